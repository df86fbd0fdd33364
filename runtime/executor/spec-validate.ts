// Pure-ish validation of a bundle's config.json (the only host access: the rootfs and namespace
// paths must exist). Every error names the field and the bad value, e.g.
//   linux.namespaces[2].type: unknown namespace type "foo"
import { statfsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CgroupResources } from '../cgroups/cgroup-driver.js';
import { CgroupError, normalizeCgroupPath } from '../cgroups/cgroup-driver.js';
import { validateResources } from '../cgroups/cgroup-resources.js';
import { capabilityNumber } from './capabilities.js';
import type { OciSpec } from './executor.js';
import { propagationFlags } from './mount-options.js';

export class SpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'SpecError';
  }
}

export const namespaceTypes = ['pid', 'network', 'mount', 'ipc', 'uts', 'cgroup', 'user', 'time'] as const;
export type NamespaceType = (typeof namespaceTypes)[number];

export const rlimitNumbers: Record<string, number> = {
  RLIMIT_CPU: 0,
  RLIMIT_FSIZE: 1,
  RLIMIT_DATA: 2,
  RLIMIT_STACK: 3,
  RLIMIT_CORE: 4,
  RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8,
  RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14,
  RLIMIT_RTTIME: 15,
};

const NSFS_MAGIC = 0x6e736673;

export interface ValidatedSpec {
  spec: OciSpec;
  process: NonNullable<OciSpec['process']>;
  rootfs: string;
  namespaces: { type: NamespaceType; path?: string; field: string }[];
  resources: CgroupResources;
  cgroupPath: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringArray(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new SpecError(field, `must be an array of strings, got ${JSON.stringify(v)}`);
  return v as string[];
}

function nonNegInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new SpecError(field, `bad value ${JSON.stringify(v)}`);
  return v;
}

function absolutePaths(list: unknown, field: string): void {
  stringArray(list, field).forEach((p, i) => {
    if (!isAbsolute(p)) throw new SpecError(`${field}[${i}]`, `must be an absolute path, got ${JSON.stringify(p)}`);
  });
}

function validateProcess(p: unknown): NonNullable<OciSpec['process']> {
  if (!isObject(p)) throw new SpecError('process', 'missing');
  const args = stringArray(p.args, 'process.args');
  if (args.length === 0) throw new SpecError('process.args', 'must name the program to run');
  if (p.terminal === true) throw new SpecError('process.terminal', 'a console (terminal: true) is not supported');
  if (typeof p.cwd !== 'string' || !isAbsolute(p.cwd)) throw new SpecError('process.cwd', `must be an absolute path, got ${JSON.stringify(p.cwd)}`);
  stringArray(p.env, 'process.env').forEach((e, i) => {
    if (!e.includes('=') || e.startsWith('=')) throw new SpecError(`process.env[${i}]`, `must be KEY=VALUE, got ${JSON.stringify(e)}`);
  });
  if (p.user !== undefined) {
    if (!isObject(p.user)) throw new SpecError('process.user', 'must be an object');
    nonNegInt(p.user.uid, 'process.user.uid');
    nonNegInt(p.user.gid, 'process.user.gid');
    if (p.user.additionalGids !== undefined) {
      if (!Array.isArray(p.user.additionalGids)) throw new SpecError('process.user.additionalGids', 'must be an array');
      p.user.additionalGids.forEach((g, i) => nonNegInt(g, `process.user.additionalGids[${i}]`));
    }
  }
  if (p.capabilities !== undefined) {
    if (!isObject(p.capabilities)) throw new SpecError('process.capabilities', 'must be an object');
    for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient']) {
      stringArray(p.capabilities[set], `process.capabilities.${set}`).forEach((name, i) => {
        if (capabilityNumber(name) === undefined) throw new SpecError(`process.capabilities.${set}[${i}]`, `unknown capability ${JSON.stringify(name)}`);
      });
    }
  }
  if (p.rlimits !== undefined) {
    if (!Array.isArray(p.rlimits)) throw new SpecError('process.rlimits', 'must be an array');
    p.rlimits.forEach((r: unknown, i: number) => {
      if (!isObject(r) || typeof r.type !== 'string' || !(r.type in rlimitNumbers))
        throw new SpecError(`process.rlimits[${i}].type`, `unknown rlimit ${JSON.stringify(isObject(r) ? r.type : r)}`);
      const hard = nonNegInt(r.hard, `process.rlimits[${i}].hard`);
      const soft = nonNegInt(r.soft, `process.rlimits[${i}].soft`);
      if (soft > hard) throw new SpecError(`process.rlimits[${i}].soft`, `${soft} is above hard ${hard}`);
    });
  }
  if (p.oomScoreAdj !== undefined && (typeof p.oomScoreAdj !== 'number' || !Number.isInteger(p.oomScoreAdj) || p.oomScoreAdj < -1000 || p.oomScoreAdj > 1000))
    throw new SpecError('process.oomScoreAdj', `bad value ${JSON.stringify(p.oomScoreAdj)}`);
  return p as unknown as NonNullable<OciSpec['process']>;
}

function validateNamespaces(list: unknown): ValidatedSpec['namespaces'] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new SpecError('linux.namespaces', 'must be an array');
  const seen = new Set<string>();
  return list.map((n: unknown, i: number) => {
    const field = `linux.namespaces[${i}]`;
    if (!isObject(n)) throw new SpecError(field, 'must be an object');
    const type = n.type;
    if (typeof type !== 'string' || !(namespaceTypes as readonly string[]).includes(type))
      throw new SpecError(`${field}.type`, `unknown namespace type ${JSON.stringify(type)}`);
    if (type === 'user' || type === 'time') throw new SpecError(`${field}.type`, `${type} namespaces are not supported`);
    if (seen.has(type)) throw new SpecError(`${field}.type`, `duplicate namespace type ${JSON.stringify(type)}`);
    seen.add(type);
    let path: string | undefined;
    if (n.path !== undefined && n.path !== '') {
      if (typeof n.path !== 'string' || !isAbsolute(n.path)) throw new SpecError(`${field}.path`, `must be an absolute path, got ${JSON.stringify(n.path)}`);
      let magic: number;
      try {
        magic = Number(statfsSync(n.path).type);
      } catch (e) {
        throw new SpecError(`${field}.path`, `${JSON.stringify(n.path)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      if (magic !== NSFS_MAGIC) throw new SpecError(`${field}.path`, `${JSON.stringify(n.path)} is not a namespace`);
      path = n.path;
    }
    return { type: type as NamespaceType, path, field: `${field}.path` };
  });
}

function validateResourcesField(r: unknown): CgroupResources {
  if (r === undefined) return {};
  if (!isObject(r)) throw new SpecError('linux.resources', 'must be an object');
  const num = (v: unknown, field: string): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpecError(`linux.resources.${field}`, `bad value ${JSON.stringify(v)}`);
    return v;
  };
  const str = (v: unknown, field: string): string | undefined => {
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new SpecError(`linux.resources.${field}`, `bad value ${JSON.stringify(v)}`);
    return v;
  };
  const mem = isObject(r.memory) ? r.memory : {};
  const cpu = isObject(r.cpu) ? r.cpu : {};
  const pids = isObject(r.pids) ? r.pids : {};
  const out: CgroupResources = {
    memoryLimit: num(mem.limit, 'memory.limit'),
    memoryReservation: num(mem.reservation, 'memory.reservation'),
    memorySwap: num(mem.swap, 'memory.swap'),
    cpuShares: num(cpu.shares, 'cpu.shares'),
    cpuQuota: num(cpu.quota, 'cpu.quota'),
    cpuPeriod: num(cpu.period, 'cpu.period'),
    cpusetCpus: str(cpu.cpus, 'cpu.cpus'),
    cpusetMems: str(cpu.mems, 'cpu.mems'),
    pidsLimit: num(pids.limit, 'pids.limit'),
  };
  if (r.devices !== undefined) {
    if (!Array.isArray(r.devices)) throw new SpecError('linux.resources.devices', 'must be an array');
    out.devices = r.devices.map((d: unknown, i: number) => {
      if (!isObject(d) || typeof d.allow !== 'boolean') throw new SpecError(`linux.resources.devices[${i}].allow`, 'must be a boolean');
      return {
        allow: d.allow,
        type: typeof d.type === 'string' ? d.type : undefined,
        major: typeof d.major === 'number' ? d.major : undefined,
        minor: typeof d.minor === 'number' ? d.minor : undefined,
        access: typeof d.access === 'string' ? d.access : undefined,
      };
    });
  }
  for (const k of Object.keys(out) as (keyof CgroupResources)[]) if (out[k] === undefined) delete out[k];
  try {
    validateResources(out);
  } catch (e) {
    if (e instanceof CgroupError) throw new SpecError(e.message.split(':')[0], e.message.slice(e.message.indexOf(':') + 2));
    throw e;
  }
  return out;
}

/** validates SPEC read from BUNDLE; ID names the default cgroup path skiff/ID */
export function validateSpec(raw: unknown, bundle: string, id: string): ValidatedSpec {
  if (!isObject(raw)) throw new SpecError('config.json', 'must be a JSON object');
  if (typeof raw.ociVersion !== 'string') throw new SpecError('ociVersion', `must be a string, got ${JSON.stringify(raw.ociVersion)}`);
  const process = validateProcess(raw.process);
  if (!isObject(raw.root) || typeof raw.root.path !== 'string' || raw.root.path === '') throw new SpecError('root.path', 'missing');
  const rootfs = resolve(bundle, raw.root.path);
  let isDir = false;
  try {
    isDir = statSync(rootfs).isDirectory();
  } catch {
    throw new SpecError('root.path', `rootfs ${JSON.stringify(rootfs)} does not exist`);
  }
  if (!isDir) throw new SpecError('root.path', `rootfs ${JSON.stringify(rootfs)} is not a directory`);
  if (raw.hostname !== undefined && typeof raw.hostname !== 'string') throw new SpecError('hostname', `must be a string, got ${JSON.stringify(raw.hostname)}`);
  if (raw.mounts !== undefined) {
    if (!Array.isArray(raw.mounts)) throw new SpecError('mounts', 'must be an array');
    raw.mounts.forEach((m: unknown, i: number) => {
      if (!isObject(m)) throw new SpecError(`mounts[${i}]`, 'must be an object');
      if (typeof m.destination !== 'string' || !isAbsolute(m.destination))
        throw new SpecError(`mounts[${i}].destination`, `must be an absolute path, got ${JSON.stringify(m.destination)}`);
      if (m.destination.split('/').includes('..')) throw new SpecError(`mounts[${i}].destination`, `".." not allowed in ${JSON.stringify(m.destination)}`);
      if (m.type !== undefined && typeof m.type !== 'string') throw new SpecError(`mounts[${i}].type`, `must be a string, got ${JSON.stringify(m.type)}`);
      if (m.source !== undefined && typeof m.source !== 'string') throw new SpecError(`mounts[${i}].source`, `must be a string, got ${JSON.stringify(m.source)}`);
      stringArray(m.options, `mounts[${i}].options`);
    });
  }
  const linux = isObject(raw.linux) ? raw.linux : {};
  // what Skiff does not implement is refused, never silently dropped
  const unsupported: [string, unknown][] = [
    ['hooks', raw.hooks],
    ['linux.seccomp', linux.seccomp],
    ['linux.devices', linux.devices],
    ['linux.uidMappings', linux.uidMappings],
    ['linux.gidMappings', linux.gidMappings],
    ['linux.intelRdt', linux.intelRdt],
    ['process.apparmorProfile', isObject(raw.process) ? raw.process.apparmorProfile : undefined],
    ['process.selinuxLabel', isObject(raw.process) ? raw.process.selinuxLabel : undefined],
  ];
  for (const [field, value] of unsupported) {
    const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
    if (!empty) throw new SpecError(field, 'is not supported by Skiff');
  }
  const namespaces = validateNamespaces(linux.namespaces);
  if (!namespaces.some((n) => n.type === 'mount')) throw new SpecError('linux.namespaces', 'a mount namespace is required');
  if (raw.hostname && !namespaces.some((n) => n.type === 'uts'))
    throw new SpecError('hostname', 'setting the hostname needs a uts namespace');
  const resources = validateResourcesField(linux.resources);
  let cgroupPath: string;
  try {
    cgroupPath = normalizeCgroupPath(typeof linux.cgroupsPath === 'string' && linux.cgroupsPath !== '' ? linux.cgroupsPath : `skiff/${id}`);
  } catch (e) {
    throw new SpecError('linux.cgroupsPath', (e as Error).message.replace(/^linux\.cgroupsPath: /, ''));
  }
  absolutePaths(linux.maskedPaths, 'linux.maskedPaths');
  absolutePaths(linux.readonlyPaths, 'linux.readonlyPaths');
  if (linux.rootfsPropagation !== undefined && linux.rootfsPropagation !== '' && propagationFlags(String(linux.rootfsPropagation)) === undefined)
    throw new SpecError('linux.rootfsPropagation', `unknown propagation ${JSON.stringify(linux.rootfsPropagation)}`);
  if (linux.sysctl !== undefined) {
    if (!isObject(linux.sysctl)) throw new SpecError('linux.sysctl', 'must be an object');
    for (const [k, v] of Object.entries(linux.sysctl)) {
      if (!/^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*$/.test(k))
        throw new SpecError(`linux.sysctl[${JSON.stringify(k)}]`, 'bad key');
      if (typeof v !== 'string') throw new SpecError(`linux.sysctl[${JSON.stringify(k)}]`, `bad value ${JSON.stringify(v)}`);
    }
  }
  return { spec: raw as unknown as OciSpec, process, rootfs, namespaces, resources, cgroupPath };
}
