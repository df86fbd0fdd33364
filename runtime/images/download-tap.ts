// Counts a blob's bytes as they arrive: reports download progress (at most every 100 ms, and once
// at the end) and stops a blob that outgrows the size its descriptor gave. Used wherever a layer
// is downloaded, on the main thread or in an unpack worker.
import { SizeMismatchError } from './errors.js';

export const PROGRESS_INTERVAL_MS = 100;

/** `done` bytes so far; `finished` once the whole body arrived */
export type DownloadProgress = (done: number, finished: boolean) => void;

export async function* downloadTap(
  source: AsyncIterable<Buffer>,
  size: number,
  what: string,
  onProgress: DownloadProgress,
): AsyncGenerator<Buffer> {
  let done = 0;
  let last = 0;
  for await (const chunk of source) {
    done += chunk.length;
    if (done > size) throw new SizeMismatchError(what, size, done);
    const now = Date.now();
    if (now - last >= PROGRESS_INTERVAL_MS) {
      last = now;
      onProgress(done, false);
    }
    yield chunk;
  }
  onProgress(done, true);
}
