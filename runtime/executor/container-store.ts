// The executor's on-disk state: ROOT/<id>/state.json (written by TypeScript, atomically), the plan,
// the exec FIFO and the monitor's exit file. Everything needed to answer `state` after a restart.
// This process keeps its own containers in memory and writes state.json behind, in order, off the
// create/start path; another process (or this one after a restart) reads the files.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
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
  private readonly cache = new Map<string, StoredContainer>();
  private readonly writes = new Map<string, Promise<void>>();

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
    const copy = { ...c };
    this.cache.set(c.id, copy);
    const file = join(this.dir(c.id), 'state.json');
    const prev = this.writes.get(c.id) ?? Promise.resolve();
    const next = prev
      .then(async () => {
        if (this.cache.get(c.id) !== copy) return; // a newer save follows
        await writeFile(`${file}.tmp`, JSON.stringify(copy));
        await rename(`${file}.tmp`, file);
      })
      .catch(() => undefined); // the container was removed meanwhile
    this.writes.set(c.id, next);
  }

  /** resolves when every state.json write queued so far is on disk */
  async flush(id?: string): Promise<void> {
    await Promise.all(id ? [this.writes.get(id)] : [...this.writes.values()]);
  }

  load(id: string): StoredContainer | undefined {
    const known = this.cache.get(id);
    if (known) return { ...known };
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

  /** containers known to this process and those with a state.json on disk */
  ids(): string[] {
    const onDisk = readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(this.root, e.name, 'state.json')))
      .map((e) => e.name);
    return [...new Set([...this.cache.keys(), ...onDisk])];
  }

  async remove(id: string): Promise<void> {
    this.cache.delete(id);
    await this.writes.get(id);
    this.writes.delete(id);
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
