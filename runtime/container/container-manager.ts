// CRI containers on top of the executor: an overlay rootfs over the image layers, an OCI spec
// joined to the sandbox's namespaces, the log file, and the lifecycle (create, start, stop with
// SIGTERM then SIGKILL, remove, exec, stats, resource updates).
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { status as grpcStatus } from '@grpc/grpc-js';
import { alreadyExists, CriError, failedPrecondition, invalidArgument, notFound } from '../cri/cri-error.js';
import type { ContainerConfig, LinuxContainerResources } from '../cri/cri-types.js';
import { KeyedMutex } from '../cri/keyed-mutex.js';
import { resolveId } from '../cri/list-filters.js';
import type { RecordStore } from '../cri/record-store.js';
import type { ContainerState as ExecState, ContainerStats as ExecStats, Executor, OciSpec } from '../executor/executor.js';
import type { ImageRecord, ImageStore } from '../images/image-store.js';
import { podFilePaths } from '../sandbox/pod-files.js';
import { limitsOf, type PodCgroups } from '../sandbox/pod-cgroups.js';
import type { SandboxRecord } from '../sandbox/sandbox-record.js';
import { nowNanos } from '../cri/timestamps.js';
import { buildContainerSpec, type SandboxView } from './container-spec.js';
import { containerKey, type ContainerRecord } from './container-record.js';
import { criStatusOf, stopSignalOf } from './container-status.js';
import type { RootfsSnapshotter } from './rootfs-snapshotter.js';
import { reopenContainerLog } from './log-reopen.js';
import { resolveUserInRootfs } from './user-resolver.js';

export interface ContainerManagerDeps {
  root: string;
  store: RecordStore<ContainerRecord>;
  executor: Executor;
  images: ImageStore;
  snapshotter: RootfsSnapshotter;
  cgroups: PodCgroups;
  baseSpec: () => OciSpec;
  hostCapabilities: string[];
  log: Logger;
}

/** The CRI caps ExecSync output at 16 MiB per stream. */
const EXEC_OUTPUT_CAP = 16 * 1024 * 1024;


export class ContainerManager {
  private readonly records = new Map<string, ContainerRecord>();
  private readonly lock = new KeyedMutex();

  constructor(private readonly d: ContainerManagerDeps) {}

  /** Loads records; containers left half-made by a crash during CreateContainer are undone. */
  async recover(): Promise<void> {
    for (const rec of await this.d.store.list()) {
      if (rec.phase === 'creating') {
        this.d.log.warn({ container: rec.id }, 'removing a container left half-made by a crash');
        await this.teardown(rec).catch((err: Error) => this.d.log.error({ container: rec.id, err: err.message }, 'could not undo a half-made container'));
        continue;
      }
      this.records.set(rec.id, rec);
    }
  }

  list(): ContainerRecord[] {
    return [...this.records.values()];
  }

  inSandbox(sandboxId: string): ContainerRecord[] {
    return this.list().filter((c) => c.sandboxId === sandboxId);
  }

  find(id: string): ContainerRecord | undefined {
    const full = resolveId(this.records.keys(), id);
    return full ? this.records.get(full) : undefined;
  }

  get(id: string): ContainerRecord {
    const rec = this.find(id);
    if (!rec) throw notFound('container', id);
    return rec;
  }

  /** The executor's state; undefined when the executor no longer knows the container. */
  async execState(rec: ContainerRecord): Promise<ExecState | undefined> {
    try {
      return await this.d.executor.state(rec.id);
    } catch {
      return undefined;
    }
  }

  async criState(rec: ContainerRecord) {
    const st = await this.execState(rec);
    if (!st) return { state: 'CONTAINER_UNKNOWN' as const, exitCode: 0, reason: 'Unknown', message: 'the executor has no state for this container', startedAt: 0, finishedAt: 0 };
    return criStatusOf(st);
  }

  imageUsedBy(imageId: string): string | undefined {
    return this.list().find((c) => c.imageId === imageId)?.id;
  }

  /** Creates a container in a ready sandbox; `config` must already be validated. */
  async create(sandbox: SandboxRecord, sandboxReady: boolean, config: ContainerConfig): Promise<ContainerRecord> {
    const md = config.metadata!;
    const key = containerKey(md);
    return this.lock.run(`key:${sandbox.id}:${key}`, async () => {
      if (!sandboxReady || !sandbox.pause) throw failedPrecondition(`pod sandbox ${sandbox.id} is not ready`);
      const clash = this.inSandbox(sandbox.id).find((c) => c.key === key);
      if (clash) throw alreadyExists(`container name ${JSON.stringify(key)} is in use by container ${clash.id} in sandbox ${sandbox.id}`);
      const image = await this.d.images.get(config.image!.image);
      if (!image) throw notFound('image', config.image!.image);
      let targetPid: number | undefined;
      const ns = config.linux?.security_context?.namespace_options;
      if (ns?.pid === 'TARGET') {
        const target = this.find(ns.target_id);
        const st = target ? await this.execState(target) : undefined;
        if (!target || !st || st.pid <= 0) throw invalidArgument('config.linux.security_context.namespace_options.target_id', `container ${JSON.stringify(ns.target_id)} is not running`);
        targetPid = st.pid;
      }
      for (const [i, m] of config.mounts.entries()) {
        try {
          await fs.stat(m.host_path);
        } catch {
          throw invalidArgument(`config.mounts[${i}].host_path`, `${JSON.stringify(m.host_path)} does not exist`);
        }
      }
      const id = randomBytes(32).toString('hex');
      const dir = join(this.d.root, 'containers', id);
      const logDir = sandbox.config.log_directory;
      const rec: ContainerRecord = {
        id,
        sandboxId: sandbox.id,
        key,
        phase: 'creating',
        config,
        imageId: image.id,
        imageRef: image.repoDigests[0] ?? image.id,
        createdAt: nowNanos(),
        bundle: join(dir, 'bundle'),
        rootfs: join(dir, 'bundle', 'rootfs'),
        snapshotKey: `skiff-${id}`,
        logPath: logDir && config.log_path ? join(logDir, config.log_path) : '',
        cgroupsPath: `${sandbox.cgroupParent}/skiff-${id.slice(0, 12)}`,
        env: [],
        cwd: '/',
        stopSignal: stopSignalOf(config.stop_signal, image.config.StopSignal),
      };
      await this.d.store.write(id, rec, { sync: true });
      try {
        await fs.mkdir(rec.rootfs, { recursive: true, mode: 0o700 });
        await this.d.snapshotter.prepare(rec.snapshotKey, this.d.images.layerPaths(image), rec.rootfs);
        const spec = await this.containerSpec(rec, sandbox, image, targetPid);
        await fs.writeFile(join(rec.bundle, 'config.json'), JSON.stringify(spec, null, 2), { mode: 0o600 });
        if (rec.logPath) await fs.mkdir(dirname(rec.logPath), { recursive: true });
        await this.d.executor.create(id, rec.bundle, rec.logPath ? { logPath: rec.logPath } : {});
        rec.phase = 'created';
        await this.d.store.write(id, rec);
        this.records.set(id, rec);
        return rec;
      } catch (err) {
        this.d.log.error({ container: id, err: (err as Error).message }, 'CreateContainer failed; undoing');
        await this.teardown(rec).catch((e: Error) => this.d.log.error({ container: id, err: e.message }, 'undo failed'));
        throw err;
      }
    });
  }

  /** The OCI spec for a container whose rootfs is mounted; records the user, env and cwd exec needs. */
  private async containerSpec(rec: ContainerRecord, sandbox: SandboxRecord, image: ImageRecord, targetPid: number | undefined): Promise<OciSpec> {
    const config = rec.config;
    const sc = config.linux?.security_context;
    let user;
    try {
      user = await resolveUserInRootfs(rec.rootfs, {
        runAsUser: sc?.run_as_user ? sc.run_as_user.value : undefined,
        runAsGroup: sc?.run_as_group ? sc.run_as_group.value : undefined,
        runAsUsername: sc?.run_as_username || undefined,
        supplementalGroups: sc?.supplemental_groups,
        imageUser: image.config.User,
      });
    } catch (err) {
      throw new CriError(grpcStatus.INVALID_ARGUMENT, (err as Error).message);
    }
    const view: SandboxView = {
      pausePid: sandbox.pause!.pid,
      netnsPath: sandbox.netnsPath,
      hostNetwork: sandbox.hostNetwork,
      hostIpc: sandbox.hostIpc,
      sandboxPidNs: sandbox.sharePid,
      hostname: sandbox.hostNetwork ? '' : sandbox.config.hostname || sandbox.config.metadata!.name,
      podFiles: podFilePaths(sandbox.dir),
    };
    const spec = buildContainerSpec({
      base: this.d.baseSpec(),
      config,
      image: image.config,
      sandbox: view,
      rootfs: rec.rootfs,
      user,
      cgroupsPath: rec.cgroupsPath,
      hostCapabilities: this.d.hostCapabilities,
      targetPid,
    });
    if (spec.process!.args.length === 0) throw invalidArgument('config.command', `no command given and image ${config.image!.image} has no Entrypoint or Cmd`);
    rec.user = user;
    rec.env = spec.process!.env ?? [];
    rec.cwd = spec.process!.cwd;
    return spec;
  }

  async start(id: string): Promise<void> {
    const rec = this.get(id);
    await this.lock.run(rec.id, async () => {
      const st = await this.execState(rec);
      if (!st) throw failedPrecondition(`container ${rec.id} has no executor state`);
      if (st.status !== 'created') throw failedPrecondition(`container ${rec.id} is ${st.status}, not created`);
      await this.d.executor.start(rec.id);
    });
  }

  /** SIGTERM (or the stop signal), then SIGKILL after timeoutSec. Idempotent. */
  async stop(id: string, timeoutSec: number): Promise<void> {
    const rec = this.find(id);
    if (!rec) return;
    await this.lock.run(rec.id, () => this.stopLocked(rec, timeoutSec));
  }

  private async stopLocked(rec: ContainerRecord, timeoutSec: number): Promise<void> {
    const st = await this.execState(rec);
    if (!st || st.status === 'stopped') return;
    if (st.status !== 'running') {
      // created but never started: kill the waiting init so it reads as exited
      await this.d.executor.kill(rec.id, 'SIGKILL').catch(() => undefined);
      await this.waitStopped(rec, 10_000);
      return;
    }
    if (timeoutSec > 0) {
      await this.d.executor.kill(rec.id, rec.stopSignal as NodeJS.Signals).catch(() => undefined);
      if (await this.waitStopped(rec, timeoutSec * 1000)) return;
    }
    await this.d.executor.kill(rec.id, 'SIGKILL').catch(() => undefined);
    await this.waitStopped(rec, 30_000);
  }

  private async waitStopped(rec: ContainerRecord, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
    const done = this.d.executor.wait(rec.id).then(
      () => true as const,
      () => true as const,
    );
    const res = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return res;
  }

  /** Kills if running, then removes everything. Idempotent. */
  async remove(id: string): Promise<void> {
    const rec = this.find(id);
    if (!rec) return;
    await this.lock.run(rec.id, async () => {
      await this.stopLocked(rec, 0);
      await this.teardown(rec);
      this.records.delete(rec.id);
    });
  }

  /** Undoes whatever of the container exists: executor state, snapshot, dirs, record. Idempotent. */
  private async teardown(rec: ContainerRecord): Promise<void> {
    try {
      await this.d.executor.delete(rec.id, { force: true });
    } catch (err) {
      if (await this.execState(rec)) throw err; // only "no such container" is fine
    }
    await this.d.snapshotter.remove(rec.snapshotKey);
    await fs.rm(join(this.d.root, 'containers', rec.id), { recursive: true, force: true });
    await this.d.store.remove(rec.id);
  }

  async execSync(id: string, cmd: string[], timeoutSec: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
    const rec = this.get(id);
    if (cmd.length === 0) throw invalidArgument('cmd', 'required');
    const st = await this.execState(rec);
    if (!st || st.status !== 'running') throw failedPrecondition(`container ${rec.id} is not running`);
    const res = await this.d.executor.exec(rec.id, {
      args: cmd,
      env: rec.env,
      cwd: rec.cwd,
      user: rec.user ? { uid: rec.user.uid, gid: rec.user.gid } : undefined,
      timeoutMs: timeoutSec > 0 ? timeoutSec * 1000 : 0,
    });
    if (res.timedOut) throw new CriError(grpcStatus.DEADLINE_EXCEEDED, `command ${JSON.stringify(cmd)} timed out after ${timeoutSec}s`);
    return { stdout: res.stdout.subarray(0, EXEC_OUTPUT_CAP), stderr: res.stderr.subarray(0, EXEC_OUTPUT_CAP), exitCode: res.exitCode };
  }

  async stats(rec: ContainerRecord): Promise<{ exec: ExecStats; writableBytes: number; writableInodes: number }> {
    const exec = await this.d.executor.stats(rec.id);
    const usage = await dirUsage(this.d.snapshotter.upperDir(rec.snapshotKey));
    return { exec, writableBytes: usage.bytes, writableInodes: usage.inodes };
  }

  async updateResources(id: string, r: LinuxContainerResources): Promise<void> {
    const rec = this.get(id);
    await this.lock.run(rec.id, async () => {
      await this.d.cgroups.update(rec.cgroupsPath, limitsOf(r));
      rec.config = { ...rec.config, linux: { resources: r, security_context: rec.config.linux?.security_context ?? null } };
      await this.d.store.write(rec.id, rec);
    });
  }

  /** Asks the monitor to reopen the log file (after the kubelet rotated it). */
  async reopenLog(id: string): Promise<void> {
    const rec = this.get(id);
    if (!rec.logPath) throw failedPrecondition(`container ${rec.id} has no log path`);
    const st = await this.execState(rec);
    if (!st || st.status !== 'running' || st.pid <= 0) throw failedPrecondition(`container ${rec.id} is not running`);
    await reopenContainerLog(this.d.executor, rec.id, rec.logPath);
  }

  /** Stops every container of the sandbox (for StopPodSandbox). */
  async stopAllIn(sandboxId: string): Promise<void> {
    await Promise.all(this.inSandbox(sandboxId).map((c) => this.stop(c.id, 0)));
  }

  async removeAllIn(sandboxId: string): Promise<void> {
    await Promise.all(this.inSandbox(sandboxId).map((c) => this.remove(c.id)));
  }
}

/** Bytes and inodes under dir (not following symlinks); zero when absent. */
async function dirUsage(dir: string): Promise<{ bytes: number; inodes: number }> {
  let bytes = 0;
  let inodes = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      inodes++;
      try {
        const st = await fs.lstat(p);
        bytes += st.blocks * 512;
      } catch {
        continue;
      }
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return { bytes, inodes };
}
