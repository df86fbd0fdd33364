// One long-lived `skiff-native zygote` per executor: it forks each container's monitor, so the
// runtime (a large Node process) never forks itself on the hot path. Monitors report through the
// zygote's stdout, each line prefixed with the plan path that names the container.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { MonitorChannel } from './monitor-channel.js';

export class MonitorZygote {
  private child: ChildProcess | undefined;
  private readonly channels = new Map<string, MonitorChannel>();
  private refs = 0;

  constructor(private readonly bin: string) {}

  private ensure(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    const child = spawn(this.bin, ['zygote'], { stdio: ['pipe', 'pipe', 'ignore'], argv0: 'skiff-native' });
    const out = child.stdout as Readable;
    let buf = '';
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const sp = line.indexOf(' ');
        this.channels.get(line.slice(0, sp))?.push(line.slice(sp + 1));
      }
    });
    const gone = () => {
      if (this.child !== child) return;
      this.child = undefined;
      for (const ch of this.channels.values()) ch.end();
      this.channels.clear();
    };
    child.once('exit', gone);
    child.once('error', gone);
    (child.stdin as Writable).on('error', gone);
    this.child = child;
    this.applyRef();
    return child;
  }

  private applyRef(): void {
    const c = this.child;
    if (!c) return;
    const out = c.stdout as Readable & { ref?: () => void; unref?: () => void };
    if (this.refs > 0) {
      c.ref();
      out.ref?.();
    } else {
      c.unref();
      out.unref?.();
    }
  }

  /** asks the zygote to start the monitor of PLANFILE; its reports arrive on the returned channel */
  start(planFile: string): MonitorChannel {
    if (/\s/.test(planFile)) throw new Error(`plan path ${JSON.stringify(planFile)} contains whitespace`);
    const child = this.ensure();
    const ch = new MonitorChannel(
      {
        ref: () => {
          this.refs++;
          this.applyRef();
        },
        unref: () => {
          this.refs--;
          this.applyRef();
        },
      },
      () => this.channels.delete(planFile),
    );
    this.channels.set(planFile, ch);
    (child.stdin as Writable).write(`monitor ${planFile}\n`);
    return ch;
  }

  /** stops the zygote; running monitors and containers are not affected */
  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }
}
