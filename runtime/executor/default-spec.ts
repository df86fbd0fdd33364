// defaultSpec(): the config.json `runc spec` writes, adjusted: no terminal, no oomScoreAdj (this
// host lacks CAP_SYS_RESOURCE), a cgroupsPath under skiff/, and whatever the caller overrides.
import type { OciSpec } from './executor.js';
import { defaultCapabilities } from './capabilities.js';

export interface DefaultSpecOptions {
  args?: string[];
  env?: string[];
  cwd?: string;
  rootfs?: string; // relative to the bundle; default "rootfs"
  readonlyRootfs?: boolean;
  hostname?: string;
  cgroupsPath?: string;
  /** namespaces to join: type → path (e.g. { network: '/proc/123/ns/net' }) */
  joinNamespaces?: Record<string, string>;
  resources?: NonNullable<OciSpec['linux']>['resources'];
  mounts?: NonNullable<OciSpec['mounts']>;
  user?: { uid: number; gid: number; additionalGids?: number[] };
}

export const defaultMaskedPaths = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const defaultReadonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export function defaultMounts(): NonNullable<OciSpec['mounts']> {
  return [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
  ];
}

export function defaultSpec(opts: DefaultSpecOptions = {}): OciSpec {
  const join = opts.joinNamespaces ?? {};
  const types = ['pid', 'network', 'ipc', 'uts', 'mount'];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: opts.user ?? { uid: 0, gid: 0 },
      args: opts.args ?? ['sh'],
      env: opts.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: opts.cwd ?? '/',
      capabilities: {
        bounding: [...defaultCapabilities],
        effective: [...defaultCapabilities],
        permitted: [...defaultCapabilities],
        ambient: [...defaultCapabilities],
      },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: opts.rootfs ?? 'rootfs', readonly: opts.readonlyRootfs ?? false },
    hostname: opts.hostname ?? (join.uts ? undefined : 'skiff'),
    mounts: [...defaultMounts(), ...(opts.mounts ?? [])],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }], ...(opts.resources ?? {}) },
      cgroupsPath: opts.cgroupsPath,
      namespaces: types.map((type) => (join[type] ? { type, path: join[type] } : { type })),
      maskedPaths: [...defaultMaskedPaths],
      readonlyPaths: [...defaultReadonlyPaths],
    },
  };
}
