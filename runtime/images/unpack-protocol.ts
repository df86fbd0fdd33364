// Messages between the unpack pool (main thread) and an unpack worker.
export type ToWorker =
  | { type: 'start'; dest: string }
  | { type: 'chunk'; data: Uint8Array }
  | { type: 'end' }
  | { type: 'abort'; reason: string };

export type FromWorker =
  | { type: 'ack'; bytes: number }
  | { type: 'done'; diffId: string; tarSize: number }
  | { type: 'error'; name: string; message: string };
