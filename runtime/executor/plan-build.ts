// Pure: a validated spec into the plan the native helper executes, one step per line (see
// runtime/native/main.c). TypeScript decides everything here; the C side only carries it out.
import { join } from 'node:path';
import type { CgroupMountSource } from '../cgroups/cgroup-driver.js';
import { capabilityMask, defaultCapabilities } from './capabilities.js';
import type { OciSpec } from './executor.js';
import { MS, parseMountOptions, propagationFlags } from './mount-options.js';
import type { ValidatedSpec } from './spec-validate.js';
import { rlimitNumbers } from './spec-validate.js';

/** percent-encodes one field: no space, newline, % or = survives raw; the empty field is "=" */
export function encodeField(s: string): string {
  if (s === '') return '=';
  return s.replace(/[\x00-\x20%=\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function planLine(op: string, ...fields: (string | number)[]): string {
  return [op, ...fields.map((f) => encodeField(String(f)))].join(' ');
}

export interface InitPlanContext {
  procsFiles: string[];
  oom?: { file: string; key: string };
  exitFile: string;
  fifo?: string;
  logPath?: string;
  stdio: 'inherit' | 'null' | 'log';
  cgroupMount: CgroupMountSource;
  /** runc links /dev/core to /proc/kcore only when the host kernel has one */
  hostHasKcore?: boolean;
}

const devices: [string, number, number][] = [
  ['/dev/null', 1, 3],
  ['/dev/zero', 1, 5],
  ['/dev/full', 1, 7],
  ['/dev/random', 1, 8],
  ['/dev/urandom', 1, 9],
  ['/dev/tty', 5, 0],
];

const devLinks: [string, string][] = [
  ['/proc/self/fd', '/dev/fd'],
  ['/proc/self/fd/0', '/dev/stdin'],
  ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'],
];

type Mount = NonNullable<OciSpec['mounts']>[number];

function mountLines(m: Mount, cg: CgroupMountSource): string[] {
  const type = m.type ?? '';
  const opts = parseMountOptions(m.options, type);
  if (type === 'cgroup' || type === 'cgroup2') {
    const ro = opts.flags & MS.RDONLY;
    const base = MS.NOSUID | MS.NODEV | MS.NOEXEC;
    if (cg.version === 2) return [planLine('mount', 'cgroup2', m.destination, 'cgroup2', opts.flags & ~MS.BIND, '', opts.propagation)];
    // v1: a tmpfs with the container's own cgroup of each hierarchy bound under it
    const lines = [planLine('mount', 'tmpfs', m.destination, 'tmpfs', base, 'mode=755', 0)];
    for (const c of cg.controllers)
      lines.push(planLine('mount', c.hostDir, join(m.destination, c.name), '', MS.BIND | MS.REC | base | ro, '', 0));
    if (ro) lines.push(planLine('remount', m.destination, base | ro));
    return lines;
  }
  const bind = (opts.flags & MS.BIND) !== 0;
  return [planLine('mount', m.source ?? type, m.destination, bind ? '' : type, opts.flags, opts.data, opts.propagation)];
}

/** the process half, shared by the init and exec plans */
export function processLines(p: NonNullable<OciSpec['process']>): string[] {
  const lines: string[] = [];
  for (const r of p.rlimits ?? []) lines.push(planLine('rlimit', rlimitNumbers[r.type], r.soft, r.hard));
  if (p.oomScoreAdj !== undefined) lines.push(planLine('oomscore', p.oomScoreAdj));
  const user = p.user ?? { uid: 0, gid: 0 };
  lines.push(planLine('user', user.uid, user.gid));
  lines.push(planLine('groups', (user.additionalGids ?? []).join(',')));
  const c = p.capabilities ?? {
    bounding: defaultCapabilities,
    effective: defaultCapabilities,
    permitted: defaultCapabilities,
    inheritable: [],
    ambient: [],
  };
  lines.push(
    planLine(
      'caps',
      capabilityMask(c.bounding, 'process.capabilities.bounding'),
      capabilityMask(c.effective, 'process.capabilities.effective'),
      capabilityMask(c.permitted, 'process.capabilities.permitted'),
      capabilityMask(c.inheritable, 'process.capabilities.inheritable'),
      capabilityMask(c.ambient, 'process.capabilities.ambient'),
    ),
  );
  if (p.noNewPrivileges) lines.push(planLine('nonewprivs'));
  lines.push(planLine('cwd', p.cwd));
  for (const e of p.env ?? []) lines.push(planLine('env', e));
  for (const a of p.args) lines.push(planLine('arg', a));
  return lines;
}

export function buildInitPlan(v: ValidatedSpec, ctx: InitPlanContext): string {
  const { spec } = v;
  const lines: string[] = [];
  lines.push(planLine('exitfile', ctx.exitFile));
  if (ctx.fifo) lines.push(planLine('fifo', ctx.fifo));
  lines.push(planLine('stdio', ctx.stdio));
  if (ctx.stdio === 'log' && ctx.logPath) lines.push(planLine('log', ctx.logPath));
  if (ctx.oom) lines.push(planLine('oom', ctx.oom.file, ctx.oom.key));
  for (const f of ctx.procsFiles) lines.push(planLine('cgroup', f));
  // joins first, mount namespace last: opening later paths must still see the host's filesystem
  const joins = v.namespaces.filter((n) => n.path).sort((a, b) => Number(a.type === 'mount') - Number(b.type === 'mount'));
  for (const n of joins) lines.push(planLine('nsjoin', n.type, n.path as string, n.field));
  for (const n of v.namespaces) if (!n.path) lines.push(planLine('nsnew', n.type));
  lines.push(planLine('rootfs', v.rootfs));
  const mounts = spec.mounts ?? [];
  for (const m of mounts) lines.push(...mountLines(m, ctx.cgroupMount));
  if (mounts.some((m) => m.destination === '/dev')) {
    for (const [path, major, minor] of devices) lines.push(planLine('mknod', path, 'c', major, minor, '666'));
    for (const [target, path] of devLinks) lines.push(planLine('symlink', target, path));
    if (ctx.hostHasKcore) lines.push(planLine('symlink', '/proc/kcore', '/dev/core'));
    if (mounts.some((m) => m.destination === '/dev/pts')) lines.push(planLine('symlink', 'pts/ptmx', '/dev/ptmx'));
  }
  for (const [k, val] of Object.entries(spec.linux?.sysctl ?? {})) lines.push(planLine('sysctl', `/proc/sys/${k.replace(/\./g, '/')}`, val));
  if (spec.hostname) lines.push(planLine('hostname', spec.hostname));
  for (const p of spec.linux?.maskedPaths ?? []) lines.push(planLine('mask', p));
  for (const p of spec.linux?.readonlyPaths ?? []) lines.push(planLine('readonly', p));
  const prop = spec.linux?.rootfsPropagation ? propagationFlags(spec.linux.rootfsPropagation) : undefined;
  if (prop) lines.push(planLine('propagation', prop));
  if (spec.root?.readonly) lines.push(planLine('rootro'));
  lines.push(...processLines(v.process));
  return `${lines.join('\n')}\n`;
}

/** joins a running container: its cgroup, then its namespaces (mount last), then the process */
export function buildExecPlan(pid: number, procsFiles: string[], p: NonNullable<OciSpec['process']>): string {
  const lines: string[] = [];
  for (const f of procsFiles) lines.push(planLine('cgroup', f));
  for (const [type, file] of [
    ['ipc', 'ipc'],
    ['uts', 'uts'],
    ['network', 'net'],
    ['cgroup', 'cgroup'],
    ['pid', 'pid'],
    ['mount', 'mnt'],
  ])
    lines.push(planLine('nsjoin', type, `/proc/${pid}/ns/${file}`));
  lines.push(...processLines(p));
  return `${lines.join('\n')}\n`;
}
