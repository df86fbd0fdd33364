// Streams one container log file to a writable: the existing records (after tailLines/since), then,
// when following, whatever is appended, until the container has stopped and the file is drained,
// the client goes away, or limitBytes is reached.
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { CriLogFormatter, LineSplitter, parseCriLogLine, recordsOf, type LogOptions } from './cri-log-format.js';

export interface StreamLogOptions extends LogOptions {
  follow: boolean;
  /** polled while following; the stream ends once this says false and nothing new was written */
  stillRunning: () => Promise<boolean>;
  signal: AbortSignal;
  pollMs?: number;
}

/**
 * The log file held open while following: what the container wrote just before it exited stays
 * readable even when the kubelet removes the file a moment later (the pod was deleted), and a
 * rotated file (renamed, a new one opened in its place) is finished before the new one is read.
 */
class FollowedFile {
  private fh?: FileHandle;
  private ino?: number;
  position = 0;

  constructor(private readonly path: string) {}

  /** opens the file if it is not open yet; false while it does not exist */
  private async ensureOpen(): Promise<boolean> {
    if (this.fh) return true;
    try {
      this.fh = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    this.ino = (await this.fh.stat()).ino;
    this.position = 0;
    return true;
  }

  /** what was appended since the last read ('' when nothing) */
  async readNew(): Promise<string> {
    if (!(await this.ensureOpen())) return '';
    const { size } = await this.fh!.stat();
    if (size <= this.position) return '';
    const buf = Buffer.alloc(size - this.position);
    const { bytesRead } = await this.fh!.read(buf, 0, buf.length, this.position);
    this.position += bytesRead;
    return buf.subarray(0, bytesRead).toString('utf8');
  }

  /** after the open file is drained: true when the path now names another file (rotated), which is opened next */
  async rotated(): Promise<boolean> {
    if (!this.fh) return false;
    const st = await stat(this.path).catch(() => undefined);
    if (!st || st.ino === this.ino) return false;
    await this.close();
    return true;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }
}

function write(out: Writable, s: string): Promise<void> {
  if (!s) return Promise.resolve();
  return new Promise((resolve) => {
    if (out.write(s)) resolve();
    else out.once('drain', () => resolve());
  });
}

export async function streamLog(path: string, out: Writable, o: StreamLogOptions): Promise<void> {
  const fmt = new CriLogFormatter(o);
  const file = new FollowedFile(path);
  try {
    const text = await file.readNew();
    // only complete lines now; a half-written last line is read again when following
    const cut = text.lastIndexOf('\n') + 1;
    file.position -= Buffer.byteLength(text.slice(cut));
    for (const rec of recordsOf(text.slice(0, cut), o.tailLines)) {
      if (fmt.exhausted) return;
      await write(out, fmt.format(rec));
    }
    if (!o.follow) return;
    const splitter = new LineSplitter();
    const emit = async (text: string): Promise<void> => {
      for (const line of splitter.push(text)) {
        const rec = parseCriLogLine(line);
        if (rec) await write(out, fmt.format(rec));
        if (fmt.exhausted) return;
      }
    };
    const pollMs = o.pollMs ?? 200;
    let lastRunningCheck = 0;
    while (!o.signal.aborted && !fmt.exhausted) {
      const added = await file.readNew();
      if (added) await emit(added);
      else if (!(await file.rotated()) && Date.now() - lastRunningCheck >= 1000) {
        lastRunningCheck = Date.now();
        if (!(await o.stillRunning())) {
          // stopped: one last read of the open file, for what was written just before the exit
          const last = await file.readNew();
          if (!last) return;
          await emit(last);
        }
      }
      if (fmt.exhausted) return;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await file.close();
  }
}
