// Unpacks layers on worker threads so that the layers of a pull (and the downloads feeding them)
// use every core: a worker downloads a layer itself (or gets its bytes from the main thread),
// stores the blob, decompresses, hashes and writes the files. One worker per core, each running
// several layers interleaved, so every layer of a pull downloads at once while no core runs a
// second isolate (each isolate compiles and collects garbage on its own). Workers are reused and
// keep the process alive only while they have work. When the compiled worker is not available
// (running from TypeScript sources, as in tests), unpacking runs inline.
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TruncatedInputError } from './byte-reader.js';
import type { DownloadProgress } from './download-tap.js';
import { LayerEscapeError } from './entry-path.js';
import { RegistryError, SizeMismatchError } from './errors.js';
import { unpackTee, type TeeUnpackResult } from './unpack-tee.js';
import { TarFormatError } from './tar-reader.js';
import type { FromWorker, RemoteLayerSpec, ToWorker } from './unpack-protocol.js';

const WORKER_URL = new URL('./unpack-worker.js', import.meta.url);
/** bytes sent to a worker for one layer and not yet taken by its unpacker */
const MAX_IN_FLIGHT = 8 * 1024 * 1024;
/** bytes from the main thread (a stored blob, the main thread's download) go in batches: fewer messages, fewer pieces downstream */
const BATCH_BYTES = 1024 * 1024;
/**
 * One worker per core (at most 4): every isolate compiles the same code and collects its own
 * garbage, so an extra one costs more than the uneven split of layers between workers loses.
 */
const MAX_WORKERS = Math.min(4, availableParallelism());
/** layers one worker runs at once; more wait for a slot (and do not start their download) */
const JOBS_PER_WORKER = 3;
const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  LayerEscapeError,
  RegistryError,
  TarFormatError,
  TruncatedInputError,
};

type Outcome = Extract<FromWorker, { type: 'done' | 'error' | 'refused' }>;

/** a layer the worker downloads itself */
export interface RemoteLayer extends RemoteLayerSpec {
  onProgress: DownloadProgress;
  /**
   * The same bytes through the main thread's registry client (with the same progress and size
   * checks): used when workers are not available, or when the registry refused the worker's
   * request (a 401 to re-authorize, an error to report).
   */
  fallback(): AsyncIterable<Buffer>;
}

/** the main thread's side of one layer on a worker: bytes in flight, and how it ended */
class JobChannel {
  inFlight = 0;
  settled = false;
  readonly finished: Promise<Outcome>;
  private resolve!: (o: Outcome) => void;
  private drained: (() => void) | undefined;

  constructor(private readonly onProgress?: DownloadProgress) {
    this.finished = new Promise((r) => (this.resolve = r));
  }

  onMessage(m: FromWorker): void {
    if (m.type === 'ack') {
      this.inFlight -= m.bytes;
      if (this.inFlight <= MAX_IN_FLIGHT / 2) this.wakeSender();
    } else if (m.type === 'progress') {
      this.onProgress?.(m.done, m.finished);
    } else {
      this.settle(m);
    }
  }

  /** the worker died (or could not start): the job fails */
  onFailure(e: Error): void {
    this.settle({ type: 'error', job: 0, name: 'Error', message: `unpack worker failed: ${e.message}` });
  }

  /** resolves once the worker took enough bytes, or the job ended */
  waitForRoom(): Promise<void> {
    if (this.settled || this.inFlight <= MAX_IN_FLIGHT) return Promise.resolve();
    return new Promise((r) => (this.drained = r));
  }

  private settle(o: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(o);
    this.wakeSender();
  }

  private wakeSender(): void {
    const d = this.drained;
    this.drained = undefined;
    d?.();
  }
}

class PoolWorker {
  readonly jobs = new Map<number, JobChannel>();
  private readonly worker: Worker;

  constructor(onGone: (w: PoolWorker) => void) {
    // the parent's flags (e.g. --input-type, --eval) are not the worker's business
    this.worker = new Worker(WORKER_URL, { execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.jobs.get(m.job)?.onMessage(m));
    const gone = (e: Error): void => {
      onGone(this);
      for (const job of this.jobs.values()) job.onFailure(e);
      this.jobs.clear();
    };
    this.worker.on('error', (e) => {
      gone(e);
      void this.worker.terminate();
    });
    this.worker.once('exit', (code) => gone(new Error(`exited with code ${code}`)));
  }

  post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  add(id: number, job: JobChannel): void {
    this.jobs.set(id, job);
    // a running job keeps the process alive until it reports
    if (this.jobs.size === 1) this.worker.ref();
  }

  remove(id: number): void {
    this.jobs.delete(id);
    if (this.jobs.size === 0) this.worker.unref();
  }
}

/** a job's place on a worker */
interface Slot {
  worker: PoolWorker;
  id: number;
}

const workers: PoolWorker[] = [];
/** jobs waiting for a slot, first come first served */
const waiting: Array<{ job: JobChannel; take: (slot: Slot) => void }> = [];
let lastJobId = 0;

function spawn(): PoolWorker {
  const w = new PoolWorker((gone) => {
    const i = workers.indexOf(gone);
    if (i >= 0) workers.splice(i, 1);
    dispatch();
  });
  workers.push(w);
  return w;
}

/**
 * Where a new job goes: a new worker while every worker is busy and more may start, else the
 * least loaded worker with room; undefined when every slot is taken.
 */
function choose(): PoolWorker | 'spawn' | undefined {
  let best: PoolWorker | undefined;
  for (const w of workers) if (!best || w.jobs.size < best.jobs.size) best = w;
  if (!best || (best.jobs.size > 0 && workers.length < MAX_WORKERS)) return 'spawn';
  return best.jobs.size < JOBS_PER_WORKER ? best : undefined;
}

/** puts `job` on a worker when a slot is free */
function assign(job: JobChannel): Slot | undefined {
  const chosen = choose();
  if (!chosen) return undefined;
  const worker = chosen === 'spawn' ? spawn() : chosen;
  const id = ++lastJobId;
  worker.add(id, job);
  return { worker, id };
}

/** hands free slots to the waiting jobs in order */
function dispatch(): void {
  while (waiting.length > 0) {
    const slot = assign(waiting[0].job);
    if (!slot) return;
    (waiting.shift() as (typeof waiting)[number]).take(slot);
  }
}

/** a slot for `job`, waiting behind earlier jobs when every slot is taken */
function acquire(job: JobChannel): Promise<Slot> {
  const slot = waiting.length === 0 ? assign(job) : undefined;
  if (slot) return Promise.resolve(slot);
  return new Promise((take) => waiting.push({ job, take }));
}

function release(worker: PoolWorker, id: number): void {
  worker.remove(id);
  dispatch();
}

export function workersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_URL));
}

/** starts workers ahead of need (e.g. while a pull still fetches its manifest and config) */
export function prewarmUnpackers(layers: number): void {
  if (!workersAvailable()) return;
  while (workers.length < Math.min(layers, MAX_WORKERS)) spawn();
}

/**
 * Unpacks a layer into `dest` on a worker thread when possible; with `blobFile`, the raw bytes
 * are also written there and their digest reported.
 */
export async function unpackLayerPooled(source: AsyncIterable<Buffer>, dest: string, blobFile?: string): Promise<TeeUnpackResult> {
  if (!workersAvailable()) return unpackTee(source, dest, blobFile);
  return result(await runJob(dest, blobFile, { source }));
}

/**
 * Downloads and unpacks a layer on a worker thread, which sends the request itself and writes
 * the raw bytes to `blobFile` as they pass; falls back to the main thread's download when
 * workers are not available or the registry refused the worker's request.
 */
export async function unpackRemoteLayer(remote: RemoteLayer, dest: string, blobFile: string): Promise<TeeUnpackResult> {
  if (!workersAvailable()) return unpackTee(remote.fallback(), dest, blobFile);
  const { request, size, what } = remote;
  const outcome = await runJob(dest, blobFile, { remote: { request, size, what }, onProgress: remote.onProgress });
  if (outcome.type === 'refused') return unpackLayerPooled(remote.fallback(), dest, blobFile);
  return result(outcome);
}

/** one job on a worker, its bytes from `source` or the worker's own request; settles once the worker stopped */
async function runJob(
  dest: string,
  blobFile: string | undefined,
  input: { source: AsyncIterable<Buffer> } | { remote: RemoteLayerSpec; onProgress: DownloadProgress },
): Promise<Outcome> {
  const job = new JobChannel('onProgress' in input ? input.onProgress : undefined);
  const { worker, id } = await acquire(job);
  try {
    worker.post({ type: 'start', job: id, dest, blobFile, ...('remote' in input ? { remote: input.remote } : {}) });
    if (!('source' in input)) return await job.finished;
    let sourceError: unknown;
    try {
      await feed(input.source, job, worker, id);
    } catch (e) {
      sourceError = e;
      worker.post({ type: 'abort', job: id, reason: e instanceof Error ? e.message : String(e) });
    }
    // the worker must stop writing before anyone removes `dest`
    const outcome = await job.finished;
    if (sourceError) throw sourceError;
    return outcome;
  } finally {
    release(worker, id);
  }
}

/** the unpack result, or the worker's error rebuilt with its class */
function result(outcome: Outcome): TeeUnpackResult {
  if (outcome.type === 'done') {
    return { diffId: outcome.diffId, tarSize: outcome.tarSize, ...(outcome.blob ? { blob: outcome.blob } : {}) };
  }
  if (outcome.type === 'refused') throw new RegistryError(`blob request refused with HTTP ${outcome.status}`, outcome.status);
  if (outcome.size) throw new SizeMismatchError(outcome.size.what, outcome.size.expected, outcome.size.actual);
  const Cls = ERROR_CLASSES[outcome.name] ?? Error;
  throw new Cls(outcome.message);
}

/** sends `source` to the worker in batches, at most MAX_IN_FLIGHT ahead of it; stops early when the job ended */
async function feed(source: AsyncIterable<Buffer>, job: JobChannel, worker: PoolWorker, id: number): Promise<void> {
  let batch: Buffer[] = [];
  let batched = 0;
  const flush = (): void => {
    if (batched === 0) return;
    // a fresh copy that owns its memory, handed over without a second copy
    const data = Buffer.concat(batch, batched);
    const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    worker.post({ type: 'chunk', job: id, data }, owned ? [data.buffer as ArrayBuffer] : []);
    job.inFlight += batched;
    batch = [];
    batched = 0;
  };
  for await (const chunk of source) {
    batch.push(chunk);
    batched += chunk.length;
    if (batched < BATCH_BYTES) continue;
    flush();
    await job.waitForRoom();
    // the worker finished or failed before reading everything (e.g. a rejected entry)
    if (job.settled) return;
  }
  flush();
  worker.post({ type: 'end', job: id });
}
