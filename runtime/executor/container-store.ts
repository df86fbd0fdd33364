// The executor's on-disk state: ROOT/<id>/state.json (written by TypeScript, atomically), the plan,
// the exec FIFO and the monitor's exit file. Everything needed to answer `state` after a restart.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerState, OciSpec } from './executor.js';

export interface StoredContainer {
  id: string;
  bundle: string;
  createdAt: string;
  startedAt?: string;
  pid: number;
  /** /proc/<pid>/stat start time, so a reused pid is never mistaken for the container */
  pidStartTime?: string;
  cgroupPath: string;
  logPath?: string;
  process: NonNullable<OciSpec['process']>;
  started: boolean;
}

export interface ExitRecord {
  pid: number;
  exitCode: number;
  signal: number;
  finishedAt: string;
  oomKilled: boolean;
}

export const idPattern = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,1023}$/;

export class ContainerStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  dir(id: string): string {
    return join(this.root, id);
  }
  planFile(id: string): string {
    return join(this.root, id, 'plan');
  }
  fifo(id: string): string {
    return join(this.root, id, 'exec.fifo');
  }
  exitFile(id: string): string {
    return join(this.root, id, 'exit');
  }

  /** makes the container's directory; false when it exists already */
  claim(id: string): boolean {
    try {
      mkdirSync(this.dir(id), { mode: 0o700 });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  save(c: StoredContainer): void {
    const file = join(this.dir(c.id), 'state.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(c));
    renameSync(`${file}.tmp`, file);
  }

  load(id: string): StoredContainer | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir(id), 'state.json'), 'utf8')) as StoredContainer;
    } catch {
      return undefined;
    }
  }

  exit(id: string): ExitRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.exitFile(id), 'utf8')) as ExitRecord;
    } catch {
      return undefined;
    }
  }

  ids(): string[] {
    return readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(this.root, e.name, 'state.json')))
      .map((e) => e.name);
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }
}

/** the start time of PID from /proc (field 22), or undefined when it is gone */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** a stored container plus what is known now into the public state (pure) */
export function deriveState(c: StoredContainer, exit: ExitRecord | undefined, alive: boolean): ContainerState {
  const base: ContainerState = { id: c.id, status: 'created', pid: c.pid, bundle: c.bundle, createdAt: c.createdAt, startedAt: c.startedAt };
  if (exit) {
    return { ...base, status: 'stopped', pid: 0, finishedAt: exit.finishedAt, exitCode: exit.exitCode, signal: exit.signal || undefined, oomKilled: exit.oomKilled };
  }
  if (!alive) return { ...base, status: 'stopped', pid: 0, exitCode: 255 };
  return { ...base, status: c.started ? 'running' : 'created' };
}

/** RFC 3339 with nanoseconds, as the CRI and runc print it */
export function nowRfc3339Nano(): string {
  const d = new Date();
  return d.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}000000Z`);
}
