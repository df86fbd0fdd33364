// Starts and stops a pod's pause process: the native helper's `pause` mode, which joins the pod
// cgroup, unshares the pod's namespaces, sets the hostname, prints the holder's PID and sleeps.
// It is started in its own session so it outlives the runtime.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';

export interface PauseSpec {
  /** namespaces to unshare: a subset of net, ipc, uts, pid */
  unshare: ('net' | 'ipc' | 'uts' | 'pid')[];
  hostname?: string;
  /** cgroup.procs files to join, one per hierarchy */
  cgroupProcs: string[];
}

export interface PauseProcess {
  pid: number;
  /** /proc/<pid>/stat start time, to tell the holder from a later process with the same PID */
  startTime: number;
}

export interface PauseLauncher {
  start(spec: PauseSpec): Promise<PauseProcess>;
  /** SIGTERM, then SIGKILL after graceMs; succeeds when the process is already gone */
  stop(p: PauseProcess, graceMs?: number): Promise<void>;
  isAlive(p: PauseProcess): Promise<boolean>;
}

/** Field 22 of /proc/<pid>/stat (clock ticks since boot), undefined when the process is gone. */
export async function procStartTime(pid: number): Promise<number | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); field 22 is rest[19]
    if (rest[0] === 'Z') return undefined;
    return Number(rest[19]);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class NativePauseLauncher implements PauseLauncher {
  constructor(
    private readonly nativeBin: string,
    private readonly startTimeoutMs = 10_000,
  ) {}

  start(spec: PauseSpec): Promise<PauseProcess> {
    const argv = ['pause'];
    if (spec.unshare.length > 0) argv.push('--unshare', spec.unshare.join(','));
    if (spec.hostname) argv.push('--hostname', spec.hostname);
    for (const procs of spec.cgroupProcs) argv.push('--cgroup', procs);
    return new Promise((resolve, reject) => {
      const child = spawn(this.nativeBin, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let settled = false;
      let reported = false; // the helper may exit as soon as it printed the holder's PID
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(() => reject(new Error(`pause did not report its PID within ${this.startTimeoutMs} ms`)));
      }, this.startTimeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        const nl = out.indexOf('\n');
        if (nl < 0) return;
        const pid = Number(out.slice(0, nl).trim());
        if (!Number.isInteger(pid) || pid <= 0) {
          child.kill('SIGKILL');
          finish(() => reject(new Error(`pause printed ${JSON.stringify(out.slice(0, nl))} instead of a PID`)));
          return;
        }
        reported = true;
        child.stdout.destroy();
        child.stderr.destroy();
        child.unref();
        void procStartTime(pid).then((startTime) => {
          if (startTime === undefined) finish(() => reject(new Error(`pause process ${pid} exited right after starting`)));
          else finish(() => resolve({ pid, startTime }));
        });
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString('utf8');
      });
      child.on('error', (e) => finish(() => reject(new Error(`starting pause (${this.nativeBin}): ${e.message}`))));
      // 'close' (not 'exit'): stdout is drained by then, so a printed PID is never missed
      child.on('close', (code, signal) => {
        if (reported) return;
        finish(() => reject(new Error(`pause exited (${signal ?? `status ${code}`}) before reporting its PID: ${err.trim() || out.trim()}`)));
      });
    });
  }

  async isAlive(p: PauseProcess): Promise<boolean> {
    return (await procStartTime(p.pid)) === p.startTime;
  }

  async stop(p: PauseProcess, graceMs = 2_000): Promise<void> {
    if (!(await this.isAlive(p))) return;
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (!(await this.isAlive(p))) return;
      await sleep(10);
    }
    if (await this.isAlive(p)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        return;
      }
      for (let i = 0; i < 500 && (await this.isAlive(p)); i++) await sleep(10);
    }
  }
}
