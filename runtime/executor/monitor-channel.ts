// The line channel from a monitor (its fd 3): "created PID", "error MESSAGE", "started", "exited".
// Lines are kept so a waiter that comes late still sees what already arrived.
import type { Socket } from 'node:net';

export class MonitorChannel {
  private readonly lines: string[] = [];
  private ended = false;
  private buf = '';
  private waiters: (() => void)[] = [];
  private pending = 0;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(this.buf.slice(0, nl));
        this.buf = this.buf.slice(nl + 1);
      }
      this.wake();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
    socket.unref();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** the first line matching PRED, or undefined once the monitor closed the channel without one */
  async waitFor(pred: (line: string) => boolean): Promise<string | undefined> {
    // a pending wait keeps the process alive; an idle channel does not
    this.pending++;
    this.socket.ref();
    try {
      for (;;) {
        const hit = this.lines.find(pred);
        if (hit !== undefined) return hit;
        if (this.ended) return undefined;
        await new Promise<void>((r) => this.waiters.push(r));
      }
    } finally {
      if (--this.pending === 0) this.socket.unref();
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
