// Messages between the unpack pool (main thread) and an unpack worker.
export type ToWorker =
  | { type: 'start'; dest: string; blobFile?: string }
  | { type: 'chunk'; data: Uint8Array }
  | { type: 'end' }
  | { type: 'abort'; reason: string };

export type FromWorker =
  | { type: 'ack'; bytes: number }
  | { type: 'done'; diffId: string; tarSize: number; blob?: { digest: string; size: number } }
  | { type: 'error'; name: string; message: string };
