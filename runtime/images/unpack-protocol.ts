// Messages between the unpack pool (main thread) and an unpack worker. A worker runs several
// jobs (layers) at once; every message names its job. A job's bytes come either from the main
// thread (`chunk` messages) or, with `remote`, from the worker's own request to the registry.
import type { BlobRequest } from './remote-blob.js';

export interface RemoteLayerSpec {
  request: BlobRequest;
  /** the descriptor's size: a longer body fails the job */
  size: number;
  /** names the blob in errors */
  what: string;
}

export type ToWorker =
  | { type: 'start'; job: number; dest: string; blobFile?: string; remote?: RemoteLayerSpec }
  | { type: 'chunk'; job: number; data: Uint8Array }
  | { type: 'end'; job: number }
  | { type: 'abort'; job: number; reason: string };

/** the fields of a SizeMismatchError, which carries them besides its message */
export interface SizeMismatchFields {
  what: string;
  expected: number;
  actual: number;
}

export type FromWorker =
  | { type: 'ack'; job: number; bytes: number }
  | { type: 'progress'; job: number; done: number; finished: boolean }
  /** the registry did not answer the remote request with the blob; nothing was written */
  | { type: 'refused'; job: number; status: number }
  | { type: 'done'; job: number; diffId: string; tarSize: number; blob?: { digest: string; size: number } }
  | { type: 'error'; job: number; name: string; message: string; size?: SizeMismatchFields };
