// Unpacks layers on worker threads so that several layers (and the downloads feeding them) use
// every core: the main thread streams a layer's bytes to a worker, which stores the blob,
// decompresses, hashes and writes the files. Workers are reused and do not keep the process alive. When the compiled
// worker is not available (running from TypeScript sources, as in tests), unpacking runs inline.
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TruncatedInputError } from './byte-reader.js';
import { LayerEscapeError } from './entry-path.js';
import { unpackTee, type TeeUnpackResult } from './unpack-tee.js';
import { TarFormatError } from './tar-reader.js';
import type { FromWorker, ToWorker } from './unpack-protocol.js';

const WORKER_URL = new URL('./unpack-worker.js', import.meta.url);
const MAX_IN_FLIGHT = 8 * 1024 * 1024;
const BATCH_BYTES = 512 * 1024;
/** one worker more than the cores (unpacking waits on the filesystem too); more layers wait their turn */
const MAX_WORKERS = Math.min(4, availableParallelism() + 1);
const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  LayerEscapeError,
  TarFormatError,
  TruncatedInputError,
};

const idle: Worker[] = [];
let started = 0;
const waiting: Array<(w: Worker) => void> = [];

function spawn(): Worker {
  started++;
  // the parent's flags (e.g. --input-type, --eval) are not the worker's business
  const w = new Worker(WORKER_URL, { execArgv: [] });
  w.unref();
  // an idle worker that fails must not crash the process; a busy one reports through its job
  w.on('error', () => undefined);
  w.once('exit', () => {
    started--;
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
    const next = waiting.shift();
    if (next) next(spawn());
  });
  return w;
}

/** an idle worker, a new one while under MAX_WORKERS, or the next one released */
function acquire(): Promise<Worker> {
  const w = idle.pop();
  if (w) return Promise.resolve(w);
  if (started < MAX_WORKERS) return Promise.resolve(spawn());
  return new Promise((resolve) => waiting.push(resolve));
}

/** hands the worker to the next waiter or parks it; a broken one is ended (and replaced on exit) */
function release(w: Worker, healthy: boolean): void {
  if (!healthy) {
    void w.terminate();
    return;
  }
  const next = waiting.shift();
  if (next) next(w);
  else idle.push(w);
}

export function workersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_URL));
}

/** starts idle workers ahead of need (e.g. while a pull still fetches its manifest and config) */
export function prewarmUnpackers(count: number): void {
  if (!workersAvailable()) return;
  while (started < Math.min(count, MAX_WORKERS)) idle.push(spawn());
}

/**
 * Unpacks a layer into `dest` on a worker thread when possible; with `blobFile`, the raw bytes
 * are also written there and their digest reported.
 */
export async function unpackLayerPooled(source: AsyncIterable<Buffer>, dest: string, blobFile?: string): Promise<TeeUnpackResult> {
  if (!workersAvailable()) return unpackTee(source, dest, blobFile);
  const worker = await acquire();
  const send = (m: ToWorker): void => worker.postMessage(m);
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let settle!: (m: FromWorker & { type: 'done' | 'error' }) => void;
  const finished = new Promise<FromWorker & { type: 'done' | 'error' }>((r) => (settle = r));
  const wakeSender = (): void => {
    const d = drained;
    drained = undefined;
    d?.();
  };
  const onMessage = (m: FromWorker): void => {
    if (m.type === 'ack') {
      inFlight -= m.bytes;
      if (inFlight <= MAX_IN_FLIGHT / 2) wakeSender();
    } else {
      settle(m);
      wakeSender();
    }
  };
  const onError = (e: Error): void => {
    settle({ type: 'error', name: 'Error', message: `unpack worker failed: ${e.message}` });
    wakeSender();
  };
  const onExit = (code: number): void => onError(new Error(`exited with code ${code}`));
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  let healthy = true;
  try {
    send({ type: 'start', dest, blobFile });
    let sourceError: unknown;
    let early = false;
    try {
      // network chunks are small; batching them keeps the message count low
      let batch: Buffer[] = [];
      let batched = 0;
      const flush = (): void => {
        if (batched === 0) return;
        // a fresh copy that owns its memory, handed over without a second copy
        const data = Buffer.concat(batch, batched);
        const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
        worker.postMessage({ type: 'chunk', data } satisfies ToWorker, owned ? [data.buffer as ArrayBuffer] : []);
        inFlight += batched;
        batch = [];
        batched = 0;
      };
      for await (const chunk of source) {
        batch.push(chunk);
        batched += chunk.length;
        if (batched < BATCH_BYTES) continue;
        flush();
        if (inFlight > MAX_IN_FLIGHT) {
          await new Promise<void>((r) => (drained = r));
          // the worker finished or failed before reading everything (e.g. a rejected entry)
          if (await isSettled(finished)) {
            early = true;
            break;
          }
        }
      }
      if (!early) {
        flush();
        send({ type: 'end' });
      }
    } catch (e) {
      sourceError = e;
      send({ type: 'abort', reason: e instanceof Error ? e.message : String(e) });
    }
    // the worker must stop writing before anyone removes `dest`
    const result = await finished;
    if (sourceError) throw sourceError;
    if (result.type === 'error') {
      const Cls = ERROR_CLASSES[result.name] ?? Error;
      throw new Cls(result.message);
    }
    return { diffId: result.diffId, tarSize: result.tarSize, ...(result.blob ? { blob: result.blob } : {}) };
  } catch (e) {
    healthy = !(e instanceof Error && e.message.startsWith('unpack worker failed'));
    throw e;
  } finally {
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
    release(worker, healthy);
  }
}

async function isSettled(p: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([p, Promise.resolve(marker)])) !== marker;
}
