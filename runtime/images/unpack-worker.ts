// Worker-thread side of layer unpacking (see unpack-pool.ts): unpacks each job's layer into its
// directory (copying the raw bytes to the blob file when asked), and reports the diff ID and the
// blob's digest. A job's bytes come as messages from the main thread, or straight from the
// registry through the worker's own request. Several jobs run interleaved on the worker's event
// loop; each has its own queue, so a failed job's leftovers never reach another. Acks let the main
// thread bound the bytes in flight per job.
import { parentPort } from 'node:worker_threads';
import { streamBatches } from './byte-batches.js';
import { downloadTap } from './download-tap.js';
import { SizeMismatchError } from './errors.js';
import { HttpTransport } from './http-transport.js';
import { BlobRequestRefusedError, openBlob } from './remote-blob.js';
import { unpackTee, type TeeUnpackResult } from './unpack-tee.js';
import type { FromWorker, RemoteLayerSpec, ToWorker } from './unpack-protocol.js';

if (!parentPort) throw new Error('unpack-worker runs only as a worker thread');
const port = parentPort;
/** keep-alive connections to the registries, shared by this worker's jobs */
const transport = new HttpTransport();
/** what the unpacker gets at a time from a download (see byte-batches.ts) */
const BATCH_BYTES = 1024 * 1024;

class Job {
  private readonly queue: Buffer[] = [];
  private ended = false;
  private aborted: string | undefined;
  private wake: (() => void) | undefined;

  constructor(readonly id: number) {}

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
        post({ type: 'ack', job: this.id, bytes: chunk.length });
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

const jobs = new Map<number, Job>();

/** the layer's bytes from the registry; the request is answered (or refused) before anything is written */
async function unpackRemote(job: Job, remote: RemoteLayerSpec, dest: string, blobFile: string | undefined): Promise<TeeUnpackResult> {
  const res = await openBlob(transport, remote.request);
  const onProgress = (done: number, finished: boolean): void => post({ type: 'progress', job: job.id, done, finished });
  return unpackTee(downloadTap(streamBatches(res, BATCH_BYTES), remote.size, remote.what, onProgress), dest, blobFile);
}

function start(m: Extract<ToWorker, { type: 'start' }>): void {
  const job = new Job(m.job);
  jobs.set(m.job, job);
  const run = m.remote ? unpackRemote(job, m.remote, m.dest, m.blobFile) : unpackTee(job.chunks(), m.dest, m.blobFile);
  run
    .then(
      (r) => post({ type: 'done', job: job.id, ...r }),
      (e: unknown) => {
        job.abort('failed');
        if (e instanceof BlobRequestRefusedError) return post({ type: 'refused', job: job.id, status: e.status });
        const err = e instanceof Error ? e : new Error(String(e));
        const size = err instanceof SizeMismatchError ? { what: err.what, expected: err.expected, actual: err.actual } : undefined;
        post({ type: 'error', job: job.id, name: err.constructor.name, message: err.message, ...(size ? { size } : {}) });
      },
    )
    .finally(() => jobs.delete(job.id));
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'start':
      start(m);
      break;
    case 'chunk':
      jobs.get(m.job)?.push(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      break;
    case 'end':
      jobs.get(m.job)?.end();
      break;
    case 'abort':
      jobs.get(m.job)?.abort(m.reason);
      break;
  }
});
