// The CRI log format the runtime writes (`<RFC3339Nano time> <stdout|stderr> <P|F> <content>`, one
// record per line, P for a partial line continued by the next record) turned back into the raw
// text `kubectl logs` shows, with Kubernetes' options: timestamps, tailLines, sinceTime, limitBytes.

export interface CriLogRecord {
  time: string;
  timeMs: number;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  content: string;
}

/** undefined for a line that is not a CRI record */
export function parseCriLogLine(line: string): CriLogRecord | undefined {
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  if (a < 0 || b < 0) return undefined;
  const time = line.slice(0, a);
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const c = line.indexOf(' ', b + 1);
  const tags = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const content = c < 0 ? '' : line.slice(c + 1);
  const timeMs = Date.parse(time);
  if (Number.isNaN(timeMs)) return undefined;
  return { time, timeMs, stream, partial: tags.split(':')[0] === 'P', content };
}

export interface LogOptions {
  timestamps: boolean;
  /** only the last N records */
  tailLines?: number;
  /** only records at or after this time (ms) */
  sinceMs?: number;
  limitBytes?: number;
}

/** Turns records into output text, statefully (a partial line is continued without a new prefix). */
export class CriLogFormatter {
  private midLine = false;
  private written = 0;

  constructor(private readonly opts: LogOptions) {}

  /** true once limitBytes is reached: stop reading */
  get exhausted(): boolean {
    return this.opts.limitBytes !== undefined && this.written >= this.opts.limitBytes;
  }

  format(r: CriLogRecord): string {
    if (this.exhausted) return '';
    if (this.opts.sinceMs !== undefined && r.timeMs < this.opts.sinceMs) return '';
    let out = '';
    if (this.opts.timestamps && !this.midLine) out += `${r.time} `;
    out += r.content;
    if (!r.partial) out += '\n';
    this.midLine = r.partial;
    if (this.opts.limitBytes !== undefined) {
      const room = this.opts.limitBytes - this.written;
      if (Buffer.byteLength(out) > room) out = Buffer.from(out).subarray(0, room).toString('utf8');
    }
    this.written += Buffer.byteLength(out);
    return out;
  }
}

/** The records of a whole file's text, applying tailLines (the last N records). */
export function recordsOf(text: string, tailLines?: number): CriLogRecord[] {
  const records: CriLogRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const r = parseCriLogLine(line);
    if (r) records.push(r);
  }
  return tailLines !== undefined && tailLines >= 0 ? records.slice(Math.max(0, records.length - tailLines)) : records;
}

/** Splits a chunk stream into complete lines, keeping an unfinished tail for the next chunk. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l.length > 0);
  }
}
