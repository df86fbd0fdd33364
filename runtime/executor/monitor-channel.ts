// The lines a monitor reports: "created PID", "error MESSAGE", "started", "exited". They arrive
// either on the monitor's own fd 3 (a socket per monitor) or through the zygote's shared stdout
// (see monitor-zygote.ts). Lines are kept so a waiter that comes late still sees them.
import type { Socket } from 'node:net';

/** what keeps the process alive while someone waits on a channel */
export interface KeepAlive {
  ref(): void;
  unref(): void;
}

export class MonitorChannel {
  private readonly lines: string[] = [];
  private ended = false;
  private waiters: (() => void)[] = [];
  private pending = 0;

  constructor(
    private readonly keepAlive: KeepAlive,
    private readonly onClose: () => void = () => undefined,
  ) {}

  /** a channel over a monitor's own report socket */
  static fromSocket(socket: Socket): MonitorChannel {
    const ch = new MonitorChannel(socket, () => socket.destroy());
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        ch.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    const end = () => ch.end();
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
    socket.unref();
    return ch;
  }

  push(line: string): void {
    this.lines.push(line);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** the first line matching PRED, or undefined once the channel ended without one */
  async waitFor(pred: (line: string) => boolean): Promise<string | undefined> {
    // a pending wait keeps the process alive; an idle channel does not
    if (this.pending++ === 0) this.keepAlive.ref();
    try {
      for (;;) {
        const hit = this.lines.find(pred);
        if (hit !== undefined) return hit;
        if (this.ended) return undefined;
        await new Promise<void>((r) => this.waiters.push(r));
      }
    } finally {
      if (--this.pending === 0) this.keepAlive.unref();
    }
  }

  close(): void {
    this.end();
    this.onClose();
  }
}
