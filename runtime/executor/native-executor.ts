// The real Executor: validates a bundle, makes its cgroup, writes the plan and starts one detached
// monitor per container (runtime/native); answers state from the state dir and the monitor's exit
// file, so a restarted process picks up where the last one stopped (recover).
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, readSync, watch, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type { CgroupDriver } from '../cgroups/cgroup-driver.js';
import { CgroupError, detectCgroupDriver } from '../cgroups/cgroup-driver.js';
import type { ContainerState, ContainerStats, CreateOptions, ExecOptions, ExecProcess, ExecResult, ExecStreamOptions, Executor } from './executor.js';
import { ContainerStore, deriveState, idPattern, nowRfc3339Nano, processStartTime, type StoredContainer } from './container-store.js';
import { ExecutorError } from './executor-error.js';
import { MonitorChannel } from './monitor-channel.js';
import { MonitorZygote } from './monitor-zygote.js';
import { runExecHelper, startExecHelper } from './exec-helper.js';
import { findNativeBinary, sealedBinaryPath } from './native-binary.js';
import { buildExecPlan, buildInitPlan } from './plan-build.js';
import { SpecError, validateSpec } from './spec-validate.js';

export interface ExecutorConfig {
  /** state directory, e.g. /run/skiff/executor */
  root: string;
  /** the native helper; default: dist/native/skiff-native */
  nativeBin?: string;
  cgroupDriver?: CgroupDriver;
}

const hostHasKcore = existsSync('/proc/kcore');

export function createExecutor(config: ExecutorConfig): NativeExecutor {
  return new NativeExecutor(config);
}

export class NativeExecutor implements Executor {
  readonly store: ContainerStore;
  readonly cgroups: CgroupDriver;
  private readonly bin: string;
  private readonly channels = new Map<string, MonitorChannel>();
  private readonly zygote: MonitorZygote;

  constructor(config: ExecutorConfig) {
    this.store = new ContainerStore(resolve(config.root));
    this.cgroups = config.cgroupDriver ?? detectCgroupDriver();
    this.bin = sealedBinaryPath(config.nativeBin ?? findNativeBinary());
    this.zygote = new MonitorZygote(this.bin);
  }

  /** stops the helper that forks monitors (containers keep running); the executor restarts it when needed */
  close(): void {
    this.zygote.close();
  }

  private loadOrThrow(id: string): StoredContainer {
    const c = this.store.load(id);
    if (!c) throw new ExecutorError('NotFound', `container "${id}" does not exist`);
    // state.json is written behind; the monitor removes the FIFO once `start` released the init
    if (!c.started && c.pid > 0 && !existsSync(this.store.fifo(id))) c.started = true;
    return c;
  }

  private alive(c: StoredContainer): boolean {
    if (c.pid <= 0) return false;
    const t = processStartTime(c.pid);
    return t !== undefined && (c.pidStartTime === undefined || t === c.pidStartTime);
  }

  async create(id: string, bundle: string, opts: CreateOptions = {}): Promise<ContainerState> {
    if (!idPattern.test(id)) throw new ExecutorError('InvalidArgument', `id: invalid container id ${JSON.stringify(id)}`);
    bundle = resolve(bundle);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    } catch (e) {
      throw new ExecutorError('InvalidArgument', `bundle: ${join(bundle, 'config.json')}: ${(e as Error).message}`);
    }
    let v;
    try {
      v = validateSpec(raw, bundle, id);
    } catch (e) {
      if (e instanceof SpecError) throw new ExecutorError('InvalidArgument', e.message);
      throw e;
    }
    if (!this.store.claim(id)) throw new ExecutorError('AlreadyExists', `container "${id}" already exists`);
    let cgroupMade = false;
    let pid = 0;
    try {
      if (this.cgroups.exists(v.cgroupPath)) throw new ExecutorError('AlreadyExists', `linux.cgroupsPath: cgroup "${v.cgroupPath}" already exists`);
      try {
        await this.cgroups.create(v.cgroupPath, { ...v.resources, devices: v.resources.devices ?? [] });
      } catch (e) {
        if (e instanceof CgroupError) throw new ExecutorError('InvalidArgument', `linux.resources: ${e.message}`);
        throw e;
      }
      cgroupMade = true;
      const stdio = opts.stdio ?? (opts.logPath ? 'log' : 'null');
      if (opts.logPath) mkdirSync(dirname(opts.logPath), { recursive: true });
      const plan = buildInitPlan(v, {
        procsFiles: this.cgroups.procsFiles(v.cgroupPath),
        oom: this.cgroups.oomCounter(v.cgroupPath),
        exitFile: this.store.exitFile(id),
        fifo: this.store.fifo(id),
        logPath: opts.logPath,
        stdio,
        cgroupMount: this.cgroups.mountSource(v.cgroupPath),
        hostHasKcore,
      });
      writeFileSync(this.store.planFile(id), plan, { mode: 0o600 });
      const stored: StoredContainer = {
        id,
        bundle,
        createdAt: nowRfc3339Nano(),
        pid: 0,
        cgroupPath: v.cgroupPath,
        logPath: opts.logPath,
        process: v.process,
        started: false,
      };
      this.store.save(stored);
      // the caller's own stdio can only be handed over by a monitor the caller starts itself
      const channel = stdio === 'inherit' ? await this.spawnMonitor(id) : this.zygote.start(this.store.planFile(id));
      const first = await channel.waitFor((l) => l.startsWith('created ') || l.startsWith('error '));
      if (!first || first.startsWith('error ')) {
        channel.close();
        throw new ExecutorError('InvalidArgument', first ? first.slice(6) : 'the monitor exited before the container was created');
      }
      pid = Number(first.slice(8));
      stored.pid = pid;
      stored.pidStartTime = processStartTime(pid);
      // the pid is what a restarted runtime needs to find the container: on disk before returning
      this.store.save(stored);
      await this.store.flush(id);
      this.channels.set(id, channel);
      return deriveState(stored, undefined, true);
    } catch (e) {
      if (pid > 0) killQuietly(pid, 'SIGKILL');
      if (cgroupMade) await this.cgroups.destroy(v.cgroupPath).catch(() => undefined);
      await this.store.remove(id);
      throw e;
    }
  }

  private spawnMonitor(id: string): Promise<MonitorChannel> {
    return new Promise((resolveChannel, reject) => {
      const child = spawn(this.bin, ['monitor', this.store.planFile(id)], { stdio: ['inherit', 'inherit', 'inherit', 'pipe'], detached: true, argv0: 'skiff-native' });
      child.once('error', (e) => reject(new ExecutorError('Internal', `start monitor: ${e.message}`)));
      child.once('spawn', () => {
        child.unref();
        resolveChannel(MonitorChannel.fromSocket(child.stdio[3] as Socket));
      });
    });
  }

  async start(id: string): Promise<ContainerState> {
    const c = this.loadOrThrow(id);
    const exit = this.store.exit(id);
    if (c.started || exit) throw new ExecutorError('FailedPrecondition', `container "${id}" is not in the created state`);
    // opening the FIFO releases the init: the start time is taken before, so that it is never later
    // than the exit time the monitor records for a container that exits at once
    const startedAt = nowRfc3339Nano();
    let fd: number;
    try {
      fd = openSync(this.store.fifo(id), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      throw new ExecutorError('FailedPrecondition', `container "${id}" cannot be started: ${(e as Error).message}`);
    }
    try {
      const channel = this.channels.get(id);
      if (channel) await channel.waitFor((l) => l === 'started' || l === 'exited');
      const buf = Buffer.alloc(1);
      for (let i = 0; ; i++) {
        let n = 0;
        try {
          n = readSync(fd, buf, 0, 1, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
        if (n === 1) break;
        if (!this.alive(c) || this.store.exit(id)) throw new ExecutorError('FailedPrecondition', `container "${id}" exited before it started`);
        if (i > 10_000) throw new ExecutorError('Internal', `container "${id}": the monitor did not release the init`);
        await sleep(1);
      }
    } finally {
      closeSync(fd);
    }
    c.started = true;
    c.startedAt = startedAt;
    this.store.save(c);
    return deriveState(c, this.store.exit(id), this.alive(c));
  }

  async state(id: string): Promise<ContainerState> {
    const c = this.loadOrThrow(id);
    let exit = this.store.exit(id);
    if (exit) return deriveState(c, exit, false);
    if (this.alive(c)) return deriveState(c, undefined, true);
    // the init just died: its monitor writes the exit file right after reaping it
    for (let i = 0; i < 100 && !exit; i++) {
      await sleep(5);
      exit = this.store.exit(id);
    }
    return deriveState(c, exit, false);
  }

  async kill(id: string, signal: NodeJS.Signals | number): Promise<void> {
    const c = this.loadOrThrow(id);
    if (this.store.exit(id) || !this.alive(c)) throw new ExecutorError('FailedPrecondition', `container "${id}" is not running`);
    try {
      process.kill(c.pid, signal);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EINVAL') throw new ExecutorError('InvalidArgument', `signal: unknown signal ${JSON.stringify(signal)}`);
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
    if (!c.started) await this.releaseDeadInit(c);
  }

  /** a killed created container: once its init is gone, open the FIFO so the monitor can record the exit */
  private async releaseDeadInit(c: StoredContainer): Promise<void> {
    for (let i = 0; i < 200 && this.alive(c); i++) await sleep(5);
    if (this.alive(c)) return;
    try {
      closeSync(openSync(this.store.fifo(c.id), constants.O_RDONLY | constants.O_NONBLOCK));
    } catch {
      /* the monitor already went past it */
    }
  }

  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    const c = this.loadOrThrow(id);
    const st = deriveState(c, this.store.exit(id), this.alive(c));
    if (st.status === 'running' && !opts.force) throw new ExecutorError('FailedPrecondition', `container "${id}" is running: stop it first or force the delete`);
    if (st.status !== 'stopped') {
      killQuietly(c.pid, 'SIGKILL');
      if (!c.started) await this.releaseDeadInit(c);
      await this.waitExit(id, 10_000);
    }
    await this.cgroups.destroy(c.cgroupPath);
    this.channels.get(id)?.close();
    this.channels.delete(id);
    await this.store.remove(id);
  }

  async wait(id: string): Promise<ContainerState> {
    this.loadOrThrow(id);
    await this.waitExit(id, 0);
    return this.state(id);
  }

  /** resolves when the exit file exists or the container is gone without one; TIMEOUT 0 waits forever */
  private async waitExit(id: string, timeoutMs: number): Promise<void> {
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
    const channel = this.channels.get(id);
    if (channel && !this.store.exit(id)) await channel.waitFor((l) => l === 'exited');
    const dir = this.store.dir(id);
    let wake: (() => void) | undefined;
    let watcher;
    try {
      watcher = watch(dir, () => wake?.());
    } catch {
      watcher = undefined;
    }
    try {
      while (!this.store.exit(id)) {
        const c = this.store.load(id);
        if (!c || (!this.alive(c) && !existsSync(this.store.exitFile(id)))) {
          // give the monitor a moment to write the file after its child died
          await sleep(50);
          if (this.store.exit(id) || !c || !this.alive(c)) return;
        }
        if (Date.now() > deadline) throw new ExecutorError('Internal', `container "${id}" did not exit in ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
      }
    } finally {
      watcher?.close();
    }
  }

  /** checks the container runs and writes the plan of one more process in it; returns the plan file */
  private writeExecPlan(id: string, opts: ExecStreamOptions | ExecOptions): string {
    const c = this.loadOrThrow(id);
    if (this.store.exit(id) || !this.alive(c) || !c.started) throw new ExecutorError('FailedPrecondition', `container "${id}" is not running`);
    if (opts.args.length === 0) throw new ExecutorError('InvalidArgument', 'args: must name the program to run');
    const env = mergeEnv(c.process.env ?? [], opts.env ?? []);
    const plan = buildExecPlan(c.pid, this.cgroups.procsFiles(c.cgroupPath), {
      ...c.process,
      args: opts.args,
      env,
      cwd: opts.cwd ?? c.process.cwd,
      user: opts.user ?? c.process.user,
    });
    const planFile = join(this.store.dir(id), `exec-${randomBytes(6).toString('hex')}.plan`);
    writeFileSync(planFile, plan, { mode: 0o600 });
    return planFile;
  }

  async execStream(id: string, opts: ExecStreamOptions): Promise<ExecProcess> {
    const planFile = this.writeExecPlan(id, opts);
    return startExecHelper(this.bin, planFile, opts);
  }

  async exec(id: string, opts: ExecOptions): Promise<ExecResult> {
    const planFile = this.writeExecPlan(id, opts);
    return runExecHelper(this.bin, planFile, opts);
  }

  /** makes the monitor reopen the container's log file (after a rotation: CRI ReopenContainerLog) */
  async reopenLog(id: string): Promise<void> {
    const c = this.loadOrThrow(id);
    if (!c.logPath) throw new ExecutorError('FailedPrecondition', `container "${id}" has no log file`);
    if (this.store.exit(id) || !this.alive(c)) throw new ExecutorError('FailedPrecondition', `container "${id}" is not running`);
    // the monitor is the init's parent (it is the init's subreaper and never re-parents it)
    const status = readFileSync(`/proc/${c.pid}/status`, 'utf8');
    const monitor = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0);
    if (monitor <= 1) throw new ExecutorError('Internal', `container "${id}": its monitor is gone`);
    process.kill(monitor, 'SIGUSR1');
  }

  async stats(id: string): Promise<ContainerStats> {
    const c = this.loadOrThrow(id);
    const s = await this.cgroups.stats(c.cgroupPath);
    return { timestamp: nowRfc3339Nano(), ...s };
  }

  async recover(): Promise<ContainerState[]> {
    const out: ContainerState[] = [];
    for (const id of this.store.ids()) {
      try {
        out.push(await this.state(id));
      } catch {
        /* a directory being removed concurrently */
      }
    }
    return out;
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

/** container env overridden by EXTRA, keyed by name (pure) */
export function mergeEnv(base: string[], extra: string[]): string[] {
  const m = new Map<string, string>();
  for (const e of [...base, ...extra]) m.set(e.slice(0, e.indexOf('=')), e);
  return [...m.values()];
}
