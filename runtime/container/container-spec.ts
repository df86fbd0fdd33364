// Pure: the OCI spec of a CRI container, from a base spec (the executor's runc-like defaults), the
// image config and the CRI ContainerConfig, joined to its sandbox's namespaces by path.
import type { OciSpec } from '../executor/executor.js';
import type { ImageConfig } from '../images/image-store.js';
import type { ContainerConfig, LinuxContainerResources, NamespaceMode } from '../cri/cri-types.js';
import type { ResolvedUser } from './user-resolver.js';

export interface SandboxView {
  pausePid: number;
  /** pinned netns path; empty for host network */
  netnsPath: string;
  hostNetwork: boolean;
  hostIpc: boolean;
  /** the sandbox unshared a PID namespace (pod-shared process namespace) */
  sandboxPidNs: boolean;
  hostname: string;
  podFiles: { hosts: string; hostname: string; resolvConf: string };
}

export interface ContainerSpecInput {
  base: OciSpec;
  config: ContainerConfig;
  image: ImageConfig;
  sandbox: SandboxView;
  rootfs: string;
  user: ResolvedUser;
  cgroupsPath: string;
  /** capabilities this host can grant (its bounding set), used for privileged and ALL */
  hostCapabilities: string[];
  /** pid of a TARGET container's init when namespace_options.pid == TARGET */
  targetPid?: number;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Kubernetes' rule: command replaces Entrypoint (and drops Cmd); args replace Cmd. */
export function containerArgs(config: Pick<ContainerConfig, 'command' | 'args'>, image: ImageConfig): string[] {
  const entrypoint = config.command.length > 0 ? config.command : (image.Entrypoint ?? []);
  const cmd = config.command.length > 0 || config.args.length > 0 ? config.args : (image.Cmd ?? []);
  return [...entrypoint, ...cmd];
}

/** Image env, then the CRI envs (a later key replaces an earlier one in place); PATH and HOSTNAME ensured. */
export function containerEnv(imageEnv: string[], envs: { key: string; value: string }[], hostname: string): string[] {
  const order: string[] = [];
  const values = new Map<string, string>();
  const put = (k: string, v: string) => {
    if (!values.has(k)) order.push(k);
    values.set(k, v);
  };
  if (hostname) put('HOSTNAME', hostname);
  for (const e of imageEnv) {
    const i = e.indexOf('=');
    if (i > 0) put(e.slice(0, i), e.slice(i + 1));
  }
  for (const e of envs) put(e.key, e.value);
  if (!values.has('PATH')) put('PATH', DEFAULT_PATH);
  return order.map((k) => `${k}=${values.get(k)}`);
}

export function normalizeCapability(name: string): string {
  const up = name.toUpperCase();
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

/** The capability set after CRI add/drop ("ALL" supported on either side), in a stable order. */
export function containerCapabilities(base: string[], add: string[], drop: string[], hostCaps: string[]): string[] {
  const adds = add.map(normalizeCapability);
  const drops = drop.map(normalizeCapability);
  let caps = new Set(base.map(normalizeCapability));
  if (drops.includes('CAP_ALL')) caps = new Set();
  else for (const d of drops) caps.delete(d);
  if (adds.includes('CAP_ALL')) for (const c of hostCaps) caps.add(c);
  else for (const a of adds) caps.add(a);
  return [...caps].sort();
}

function nsMode(config: ContainerConfig, which: 'pid' | 'network' | 'ipc'): NamespaceMode | undefined {
  return config.linux?.security_context?.namespace_options?.[which];
}

export function containerNamespaces(config: ContainerConfig, sb: SandboxView, base: OciSpec, targetPid?: number): { type: string; path?: string }[] {
  const ns: { type: string; path?: string }[] = [{ type: 'mount' }];
  const pidMode = nsMode(config, 'pid') ?? 'CONTAINER';
  if (pidMode === 'POD' && sb.sandboxPidNs) ns.push({ type: 'pid', path: `/proc/${sb.pausePid}/ns/pid` });
  else if (pidMode === 'TARGET' && targetPid) ns.push({ type: 'pid', path: `/proc/${targetPid}/ns/pid` });
  else if (pidMode !== 'NODE') ns.push({ type: 'pid' });
  if (!sb.hostNetwork) {
    ns.push({ type: 'network', path: sb.netnsPath });
    ns.push({ type: 'uts', path: `/proc/${sb.pausePid}/ns/uts` });
  }
  if (!sb.hostIpc) ns.push({ type: 'ipc', path: `/proc/${sb.pausePid}/ns/ipc` });
  if (base.linux?.namespaces?.some((n) => n.type === 'cgroup')) ns.push({ type: 'cgroup' });
  return ns;
}

const PROPAGATION: Record<string, string> = {
  PROPAGATION_PRIVATE: 'rprivate',
  PROPAGATION_HOST_TO_CONTAINER: 'rslave',
  PROPAGATION_BIDIRECTIONAL: 'rshared',
};

export function containerMounts(base: OciSpec, config: ContainerConfig, sb: SandboxView, privileged: boolean, readonlyRootfs: boolean): NonNullable<OciSpec['mounts']> {
  const user = config.mounts.map((m) => ({
    destination: m.container_path,
    type: 'bind',
    source: m.host_path,
    options: ['rbind', m.readonly ? 'ro' : 'rw', PROPAGATION[m.propagation] ?? 'rprivate'],
  }));
  const taken = new Set(user.map((m) => m.destination));
  const fileOpts = ['rbind', 'rprivate', readonlyRootfs ? 'ro' : 'rw'];
  const podFiles = [
    { destination: '/etc/hosts', type: 'bind', source: sb.podFiles.hosts, options: fileOpts },
    { destination: '/etc/hostname', type: 'bind', source: sb.podFiles.hostname, options: fileOpts },
    { destination: '/etc/resolv.conf', type: 'bind', source: sb.podFiles.resolvConf, options: fileOpts },
  ].filter((m) => !taken.has(m.destination));
  const baseMounts = (base.mounts ?? [])
    .filter((m) => !taken.has(m.destination))
    .map((m) => (privileged && m.destination === '/sys' ? { ...m, options: (m.options ?? []).filter((o) => o !== 'ro').concat('rw') } : m));
  const depth = (p: string) => p.split('/').filter((s) => s !== '').length;
  user.sort((a, b) => depth(a.destination) - depth(b.destination));
  return [...baseMounts, ...podFiles, ...user];
}

export function containerResources(r: LinuxContainerResources | null | undefined): NonNullable<NonNullable<OciSpec['linux']>['resources']> {
  const out: NonNullable<NonNullable<OciSpec['linux']>['resources']> = {};
  if (!r) return out;
  if (r.memory_limit_in_bytes > 0) out.memory = { limit: r.memory_limit_in_bytes, ...(r.memory_swap_limit_in_bytes > 0 ? { swap: r.memory_swap_limit_in_bytes } : {}) };
  const cpu: NonNullable<typeof out.cpu> = {};
  if (r.cpu_shares > 0) cpu.shares = r.cpu_shares;
  if (r.cpu_quota > 0) cpu.quota = r.cpu_quota;
  if (r.cpu_period > 0) cpu.period = r.cpu_period;
  if (r.cpuset_cpus) cpu.cpus = r.cpuset_cpus;
  if (r.cpuset_mems) cpu.mems = r.cpuset_mems;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  return out;
}

export function buildContainerSpec(input: ContainerSpecInput): OciSpec {
  const { base, config, image, sandbox, user } = input;
  const sc = config.linux?.security_context ?? null;
  const privileged = sc?.privileged === true;
  const readonlyRootfs = sc?.readonly_rootfs === true;
  const baseCaps = base.process?.capabilities?.bounding ?? [];
  const caps = privileged
    ? [...input.hostCapabilities].sort()
    : containerCapabilities(baseCaps, sc?.capabilities?.add_capabilities ?? [], sc?.capabilities?.drop_capabilities ?? [], input.hostCapabilities);
  const ambient = (sc?.capabilities?.add_ambient_capabilities ?? []).map(normalizeCapability).filter((c) => caps.includes(c));
  const resources = { ...(base.linux?.resources ?? {}), ...containerResources(config.linux?.resources) };
  if (privileged) resources.devices = [{ allow: true, access: 'rwm' }];
  const oomScoreAdj = config.linux?.resources?.oom_score_adj;

  const process: NonNullable<OciSpec['process']> = {
    ...(base.process ?? { cwd: '/', args: [] }),
    terminal: false, // no console: tty/attach come with the streaming RPCs (a later issue)
    user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length > 0 ? { additionalGids: user.additionalGids } : {}) },
    args: containerArgs(config, image),
    env: containerEnv(image.Env ?? [], config.envs, sandbox.hostname),
    cwd: config.working_dir || image.WorkingDir || '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: caps, ...(ambient.length > 0 ? { ambient } : {}) },
    noNewPrivileges: sc?.no_new_privs === true,
  };
  // Without CAP_SYS_RESOURCE a process may not lower its oom_score_adj below the runtime's (0 here).
  if (oomScoreAdj !== undefined && oomScoreAdj > 0) process.oomScoreAdj = Math.min(1000, oomScoreAdj);
  else delete process.oomScoreAdj;

  const linux: NonNullable<OciSpec['linux']> = {
    ...(base.linux ?? {}),
    namespaces: containerNamespaces(config, sandbox, base, input.targetPid),
    resources,
    cgroupsPath: input.cgroupsPath,
  };
  if (privileged) {
    linux.maskedPaths = [];
    linux.readonlyPaths = [];
  } else {
    if (sc && sc.masked_paths.length > 0) linux.maskedPaths = sc.masked_paths;
    if (sc && sc.readonly_paths.length > 0) linux.readonlyPaths = sc.readonly_paths;
  }

  const spec: OciSpec = {
    ...base,
    process,
    root: { path: input.rootfs, readonly: readonlyRootfs },
    mounts: containerMounts(base, config, sandbox, privileged, readonlyRootfs),
    linux,
    annotations: { ...(base.annotations ?? {}), ...config.annotations },
  };
  delete spec.hostname; // the UTS namespace is the sandbox's, whose hostname pause set
  return spec;
}
