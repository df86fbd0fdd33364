// Streams one container log file to a writable: the existing records (after tailLines/since), then,
// when following, whatever is appended, until the container has stopped and the file is drained,
// the client goes away, or limitBytes is reached.
import { open, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { CriLogFormatter, LineSplitter, parseCriLogLine, recordsOf, type LogOptions } from './cri-log-format.js';

export interface StreamLogOptions extends LogOptions {
  follow: boolean;
  /** polled while following; the stream ends once this says false and nothing new was written */
  stillRunning: () => Promise<boolean>;
  signal: AbortSignal;
  pollMs?: number;
}

async function readFrom(path: string, position: number): Promise<{ text: string; size: number }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size <= position) return { text: '', size: position };
    const buf = Buffer.alloc(size - position);
    const { bytesRead } = await fh.read(buf, 0, buf.length, position);
    return { text: buf.subarray(0, bytesRead).toString('utf8'), size: position + bytesRead };
  } finally {
    await fh.close();
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
  let position = 0;
  let initial = '';
  try {
    const r = await readFrom(path, 0);
    // only complete lines now; a half-written last line is read again when following
    const cut = r.text.lastIndexOf('\n') + 1;
    initial = r.text.slice(0, cut);
    position = Buffer.byteLength(initial);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const rec of recordsOf(initial, o.tailLines)) {
    if (fmt.exhausted) return;
    await write(out, fmt.format(rec));
  }
  if (!o.follow) return;
  const splitter = new LineSplitter();
  const pollMs = o.pollMs ?? 200;
  let lastRunningCheck = 0;
  while (!o.signal.aborted && !fmt.exhausted) {
    let grew = false;
    try {
      const st = await stat(path);
      if (st.size > position) {
        const r = await readFrom(path, position);
        position = r.size;
        grew = true;
        for (const line of splitter.push(r.text)) {
          const rec = parseCriLogLine(line);
          if (rec) await write(out, fmt.format(rec));
          if (fmt.exhausted) return;
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!grew && Date.now() - lastRunningCheck >= 1000) {
      lastRunningCheck = Date.now();
      if (!(await o.stillRunning())) {
        // one last look for anything written just before the exit
        const st = await stat(path).catch(() => undefined);
        if (!st || st.size <= position) return;
        continue;
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
