// Runs components as child processes, each logging to its own file, restarting a crashed one with
// back-off, and stopping them in reverse start order (SIGTERM, then SIGKILL after a timeout).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { nextRestart, type BackoffState } from './restart-backoff.js';

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** resolves once the component serves; a start waits for it before the next component starts */
  ready?: () => Promise<void>;
  /** how long a stop waits after SIGTERM before SIGKILL */
  stopTimeoutMs?: number;
}

interface Running {
  spec: ComponentSpec;
  child?: ChildProcess;
  startedAt: number;
  backoff: BackoffState;
  restartTimer?: NodeJS.Timeout;
  exited?: Promise<void>;
  /** set when we stop it on purpose: its exit is not a crash */
  stopRequested?: boolean;
}

export type SupervisorLog = (msg: string) => void;

export class Supervisor {
  private readonly running: Running[] = [];
  private stopping = false;

  constructor(private readonly log: SupervisorLog) {}

  /** starts the component and waits for its readiness check (if any) */
  async start(spec: ComponentSpec): Promise<void> {
    if (this.stopping) throw new Error(`not starting ${spec.name}: the cluster is stopping`);
    const entry: Running = { spec, startedAt: 0, backoff: { failures: 0 } };
    this.running.push(entry);
    this.launch(entry);
    if (spec.ready) await spec.ready();
  }

  pid(name: string): number | undefined {
    return this.running.find((r) => r.spec.name === name)?.child?.pid;
  }

  private launch(entry: Running): void {
    const { spec } = entry;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const fd = openSync(spec.logFile, 'a');
    const child = spawn(spec.command, spec.args, {
      stdio: ['ignore', fd, fd],
      env: spec.env ?? process.env,
      detached: false,
    });
    closeSync(fd);
    entry.child = child;
    entry.startedAt = Date.now();
    entry.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (this.stopping || entry.stopRequested) return;
        const { delayMs, state } = nextRestart(entry.backoff, Date.now() - entry.startedAt);
        entry.backoff = state;
        this.log(`${spec.name} exited (${signal ?? `code ${code}`}); restarting in ${delayMs / 1000}s (log: ${spec.logFile})`);
        entry.restartTimer = setTimeout(() => {
          if (!this.stopping && !entry.stopRequested) this.launch(entry);
        }, delayMs);
      });
      child.once('error', (err) => this.log(`${spec.name}: ${err.message}`));
    });
  }

  /** stops one component (it is not restarted) */
  async stopOne(name: string): Promise<void> {
    const idx = this.running.findIndex((r) => r.spec.name === name);
    if (idx < 0) return;
    const [entry] = this.running.splice(idx, 1);
    await this.terminate(entry);
  }

  /** stops everything, last started first */
  async stopAll(): Promise<void> {
    this.stopping = true;
    while (this.running.length > 0) {
      const entry = this.running.pop()!;
      await this.terminate(entry);
    }
  }

  private async terminate(entry: Running): Promise<void> {
    entry.stopRequested = true;
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    const child = entry.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const timeoutMs = entry.spec.stopTimeoutMs ?? 10_000;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await entry.exited;
    clearTimeout(killer);
    this.log(`${entry.spec.name} stopped`);
  }
}
