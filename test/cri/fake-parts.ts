// In-memory fakes of everything below the CRI handlers, for unit tests. They record what was
// made so a test can check that failures and removals leave nothing behind.
import type { ContainerState, ContainerStats, CreateOptions, ExecOptions, ExecResult, Executor, OciSpec } from '../../runtime/executor/executor.js';
import type { ImageRecord, ImageStore } from '../../runtime/images/image-store.js';
import type { RootfsSnapshotter } from '../../runtime/container/rootfs-snapshotter.js';
import type { CgroupLimits, CgroupUsage, PodCgroups } from '../../runtime/sandbox/pod-cgroups.js';
import type { PauseLauncher, PauseProcess, PauseSpec } from '../../runtime/sandbox/pause-launcher.js';
import type { NetnsPinner } from '../../runtime/network/netns-pin.js';
import type { CniPluginCall, CniPluginExec } from '../../runtime/network/cni-plugin-exec.js';
import { CniError } from '../../runtime/network/cni-types.js';
import { RegistryNotFoundError } from '../../runtime/images/errors.js';
import type { RuntimeParts } from '../../runtime/cri/runtime-server.js';

export class FakeExecutor implements Executor {
  readonly containers = new Map<string, ContainerState & { spec: OciSpec; logPath?: string }>();
  private waiters = new Map<string, (() => void)[]>();
  nextPid = 1000;
  execResult: ExecResult = { stdout: Buffer.from('out'), stderr: Buffer.from(''), exitCode: 0, timedOut: false };
  constructor(private readonly readSpec: (bundle: string) => OciSpec) {}

  async create(id: string, bundle: string, opts?: CreateOptions): Promise<ContainerState> {
    const st = { id, status: 'created' as const, pid: this.nextPid++, bundle, createdAt: new Date().toISOString(), spec: this.readSpec(bundle), logPath: opts?.logPath };
    this.containers.set(id, st);
    return st;
  }
  async start(id: string): Promise<ContainerState> {
    const c = this.must(id);
    c.status = 'running';
    c.startedAt = new Date().toISOString();
    return c;
  }
  async state(id: string): Promise<ContainerState> {
    return { ...this.must(id) };
  }
  /** test hook: the container's process ended */
  exit(id: string, exitCode: number, oomKilled = false): void {
    const c = this.must(id);
    Object.assign(c, { status: 'stopped', pid: 0, exitCode, oomKilled, finishedAt: new Date().toISOString() });
    for (const w of this.waiters.get(id) ?? []) w();
    this.waiters.delete(id);
  }
  async kill(id: string, signal: NodeJS.Signals | number): Promise<void> {
    const c = this.must(id);
    if (c.status === 'stopped') throw new Error('not running');
    if (signal === 'SIGKILL' || signal === 9) this.exit(id, 137);
    else if (signal === 'SIGTERM') this.exit(id, 143);
  }
  async delete(id: string, opts?: { force?: boolean }): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    if (c.status === 'running' && !opts?.force) throw new Error('running');
    this.containers.delete(id);
  }
  async exec(id: string, opts: ExecOptions): Promise<ExecResult> {
    this.must(id);
    return { ...this.execResult, stdout: Buffer.from(`${this.execResult.stdout.toString()}:${opts.args.join(' ')}`) };
  }
  async reopenLog(id: string): Promise<void> {
    if (!this.containers.has(id)) throw new Error(`container "${id}" not found`);
  }

  async stats(id: string): Promise<ContainerStats> {
    const c = this.must(id);
    if (c.status !== 'running') throw new Error('not running');
    return { timestamp: new Date().toISOString(), cpuUsageNanos: 5, memoryUsageBytes: 100, memoryWorkingSetBytes: 80, pids: 1 };
  }
  async recover(): Promise<ContainerState[]> {
    return [...this.containers.values()];
  }
  wait(id: string): Promise<ContainerState> {
    const c = this.must(id);
    if (c.status === 'stopped') return Promise.resolve(c);
    return new Promise((r) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), () => r(c)]));
  }
  private must(id: string) {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id} does not exist`);
    return c;
  }
}

export const busyboxRecord: ImageRecord = {
  id: 'sha256:' + 'a'.repeat(64),
  repoTags: ['registry.test/busybox:latest'],
  repoDigests: ['registry.test/busybox@sha256:' + 'b'.repeat(64)],
  size: 1000,
  config: { Cmd: ['sh'], Env: ['PATH=/bin:/usr/bin'], WorkingDir: '' },
  chainIds: ['sha256:' + 'c'.repeat(64)],
};

export class FakeImageStore implements ImageStore {
  images = [busyboxRecord];
  async pull(ref: string): Promise<ImageRecord> {
    if (ref.includes('missing')) throw new RegistryNotFoundError(`manifest unknown: ${ref} not found`);
    return this.images[0];
  }
  async import(): Promise<ImageRecord[]> {
    return [];
  }
  async list(): Promise<ImageRecord[]> {
    return this.images;
  }
  async get(ref: string): Promise<ImageRecord | undefined> {
    return this.images.find((i) => i.id === ref || i.repoTags.includes(ref) || i.repoTags.some((t) => t.endsWith(`/${ref}`) || t.endsWith(`/${ref}:latest`)));
  }
  async remove(ref: string): Promise<void> {
    this.images = this.images.filter((i) => i.id !== ref);
  }
  layerPaths(): string[] {
    return ['/layers/1'];
  }
  async gc() {
    return { removedBlobs: 0, removedLayers: 0, freedBytes: 0 };
  }
  async usage() {
    return { mountpoint: '/images', usedBytes: 1000, inodesUsed: 10 };
  }
}

export class FakeSnapshotter implements RootfsSnapshotter {
  readonly mounted = new Set<string>();
  async prepare(key: string): Promise<void> {
    this.mounted.add(key);
  }
  async remove(key: string): Promise<void> {
    this.mounted.delete(key);
  }
  upperDir(key: string): string {
    return `/nonexistent/${key}`;
  }
}

export class FakeCgroups implements PodCgroups {
  readonly paths = new Set<string>();
  readonly limits = new Map<string, CgroupLimits>();
  async create(path: string): Promise<string[]> {
    this.paths.add(path);
    return [`/fake/${path}/cgroup.procs`];
  }
  async exists(path: string): Promise<boolean> {
    return this.paths.has(path);
  }
  async update(path: string, l: CgroupLimits): Promise<void> {
    this.limits.set(path, l);
  }
  async usage(): Promise<CgroupUsage> {
    return { cpuUsageNanos: 10, memoryUsageBytes: 200, memoryWorkingSetBytes: 150, pids: 2 };
  }
  async destroy(path: string): Promise<void> {
    for (const p of [...this.paths]) if (p === path || p.startsWith(`${path}/`)) this.paths.delete(p);
  }
}

export class FakePause implements PauseLauncher {
  readonly alive = new Map<number, PauseSpec>();
  private next = 500;
  failStart = false;
  async start(spec: PauseSpec): Promise<PauseProcess> {
    if (this.failStart) throw new Error('pause failed to start');
    const pid = this.next++;
    this.alive.set(pid, spec);
    return { pid, startTime: 1 };
  }
  async stop(p: PauseProcess): Promise<void> {
    this.alive.delete(p.pid);
  }
  async isAlive(p: PauseProcess): Promise<boolean> {
    return this.alive.has(p.pid);
  }
}

export class FakePinner implements NetnsPinner {
  readonly pinned = new Set<string>();
  async pin(_pid: number, target: string): Promise<void> {
    this.pinned.add(target);
  }
  async unpin(target: string): Promise<void> {
    this.pinned.delete(target);
  }
  async isPinned(target: string): Promise<boolean> {
    return this.pinned.has(target);
  }
}

/** Scripted CNI plugins: bridge hands out 10.250.0.N and remembers leases by container id. */
export class FakePlugins implements CniPluginExec {
  readonly calls: CniPluginCall[] = [];
  readonly leases = new Map<string, string>();
  failAddOf: string | undefined;
  failDelOf: string | undefined;
  absent: string[] = [];
  private n = 2;
  missing(types: string[]): string[] {
    return types.filter((t) => this.absent.includes(t));
  }
  async run(call: CniPluginCall): Promise<unknown> {
    this.calls.push(call);
    if (call.command === 'ADD' && call.plugin === this.failAddOf) throw new CniError(call.plugin, 'ADD', 7, 'scripted failure');
    if (call.command === 'DEL') {
      if (call.plugin === this.failDelOf) throw new CniError(call.plugin, 'DEL', 11, 'scripted DEL failure');
      if (call.plugin === 'bridge') this.leases.delete(call.containerId);
      return undefined;
    }
    if (call.plugin === 'bridge' && call.command === 'ADD') {
      const ip = `10.250.0.${this.n++}`;
      this.leases.set(call.containerId, ip);
      return { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: call.netns }], ips: [{ address: `${ip}/24`, gateway: '10.250.0.1', interface: 0 }] };
    }
    return call.stdin.prevResult ?? { cniVersion: '1.0.0' };
  }
}

export interface FakeSet {
  parts: RuntimeParts;
  executor: FakeExecutor;
  images: FakeImageStore;
  snapshotter: FakeSnapshotter;
  cgroups: FakeCgroups;
  pause: FakePause;
  pinner: FakePinner;
  plugins: FakePlugins;
}

export function fakeParts(readSpec: (bundle: string) => OciSpec): FakeSet {
  const executor = new FakeExecutor(readSpec);
  const images = new FakeImageStore();
  const snapshotter = new FakeSnapshotter();
  const cgroups = new FakeCgroups();
  const pause = new FakePause();
  const pinner = new FakePinner();
  const plugins = new FakePlugins();
  const parts: RuntimeParts = {
    executor,
    images,
    snapshotter,
    cgroups,
    pause,
    pinner,
    pluginExec: plugins,
    baseSpec: () => ({
      ociVersion: '1.0.2',
      process: { args: ['sh'], cwd: '/', capabilities: { bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_RAW'] } },
      root: { path: 'rootfs' },
      mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
      linux: { namespaces: [{ type: 'mount' }] },
    }),
    hostCapabilities: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_SYS_ADMIN'],
  };
  return { parts, executor, images, snapshotter, cgroups, pause, pinner, plugins };
}
