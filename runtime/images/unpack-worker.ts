// Worker-thread side of layer unpacking (see unpack-pool.ts): receives a layer's bytes as
// messages, unpacks them into the given directory (copying the raw bytes to the blob file when
// asked), and reports the diff ID and the blob's digest.
// Acks let the main thread bound the bytes in flight. One job at a time; each job has its own
// queue so a failed job's leftovers never reach the next one.
import { parentPort } from 'node:worker_threads';
import { unpackTee } from './unpack-tee.js';
import type { FromWorker, ToWorker } from './unpack-protocol.js';

if (!parentPort) throw new Error('unpack-worker runs only as a worker thread');
const port = parentPort;

class Job {
  private readonly queue: Buffer[] = [];
  private ended = false;
  private aborted: string | undefined;
  private wake: (() => void) | undefined;

  push(chunk: Buffer): void {
    this.queue.push(chunk);
    this.poke();
  }

  end(): void {
    this.ended = true;
    this.poke();
  }

  abort(reason: string): void {
    this.aborted = reason;
    this.poke();
  }

  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.aborted) throw new Error(this.aborted);
      const chunk = this.queue.shift();
      if (chunk) {
        post({ type: 'ack', bytes: chunk.length });
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

function post(m: FromWorker): void {
  port.postMessage(m);
}

let job: Job | undefined;

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'start': {
      job?.abort('superseded');
      const current = new Job();
      job = current;
      unpackTee(current.chunks(), m.dest, m.blobFile).then(
        (r) => post({ type: 'done', ...r }),
        (e: unknown) => {
          current.abort('failed');
          const err = e instanceof Error ? e : new Error(String(e));
          post({ type: 'error', name: err.constructor.name, message: err.message });
        },
      );
      break;
    }
    case 'chunk':
      job?.push(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      break;
    case 'end':
      job?.end();
      break;
    case 'abort':
      job?.abort(m.reason);
      break;
  }
});
