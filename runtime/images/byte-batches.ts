// Reads a stream in batches of at least `min` bytes (a socket's reads are at most 64 KiB):
// everything downstream (blob write, gunzip, hashing, tar parsing) costs per chunk as much as per
// byte, so a layer's bytes travel in few large pieces. The stream flows through 'data' events
// (less machinery per chunk than its async iterator) and pauses while a full batch waits.
import type { Readable } from 'node:stream';

export class PrematureCloseError extends Error {}

export async function* streamBatches(stream: Readable, min: number): AsyncGenerator<Buffer> {
  const ready: Buffer[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  let ended = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const take = (): void => {
    ready.push(parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
    parts = [];
    size = 0;
  };
  const onData = (chunk: Buffer): void => {
    parts.push(chunk);
    size += chunk.length;
    if (size < min) return;
    take();
    stream.pause();
    poke();
  };
  const onEnd = (): void => {
    if (size > 0) take();
    ended = true;
    poke();
  };
  const onError = (e: Error): void => {
    failed ??= e;
    poke();
  };
  const onClose = (): void => {
    if (!ended) onError(new PrematureCloseError('the connection closed before the body ended'));
  };
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.on('error', onError);
  stream.once('close', onClose);
  try {
    for (;;) {
      const batch = ready.shift();
      if (batch) {
        // the next batch fills while this one is processed
        if (ready.length === 0 && !ended) stream.resume();
        yield batch;
        continue;
      }
      if (failed) throw failed;
      if (ended) return;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('close', onClose);
    // errors after this point (e.g. from destroying it) have no one to go to
    stream.off('error', onError);
    stream.on('error', () => undefined);
    if (!ended) stream.destroy();
  }
}
