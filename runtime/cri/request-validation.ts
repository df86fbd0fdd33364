// Pure checks of CRI requests. Each returns nothing or throws INVALID_ARGUMENT naming the field
// and the bad value, before the service touches anything.
import { checkSysctls } from '../sandbox/sandbox-sysctls.js';
import { CriError, invalidArgument } from './cri-error.js';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { ContainerConfig, LinuxContainerResources, PodSandboxConfig } from './cri-types.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOSTNAME = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/;

export function checkResources(field: string, r: LinuxContainerResources | null | undefined): void {
  if (!r) return;
  for (const k of ['cpu_period', 'cpu_quota', 'cpu_shares', 'memory_limit_in_bytes', 'memory_swap_limit_in_bytes'] as const) {
    if (r[k] < 0) throw invalidArgument(`${field}.${k}`, `must not be negative, got ${r[k]}`);
  }
  if (r.memory_limit_in_bytes > 0 && r.memory_limit_in_bytes < 4 * 1024 * 1024) {
    throw invalidArgument(`${field}.memory_limit_in_bytes`, `${r.memory_limit_in_bytes} is below the 4 MiB minimum`);
  }
  if (r.cpu_quota > 0 && r.cpu_quota < 1000) throw invalidArgument(`${field}.cpu_quota`, `${r.cpu_quota} is below the 1000 µs minimum`);
  if (r.cpu_period > 0 && (r.cpu_period < 1000 || r.cpu_period > 1_000_000)) {
    throw invalidArgument(`${field}.cpu_period`, `${r.cpu_period} is outside 1000..1000000 µs`);
  }
  if (r.oom_score_adj < -1000 || r.oom_score_adj > 1000) throw invalidArgument(`${field}.oom_score_adj`, `${r.oom_score_adj} is outside -1000..1000`);
  if (r.cpuset_cpus && !/^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/.test(r.cpuset_cpus)) {
    throw invalidArgument(`${field}.cpuset_cpus`, `${JSON.stringify(r.cpuset_cpus)} is not a CPU list`);
  }
}

export function validateSandboxConfig(config: PodSandboxConfig | null, field = 'config'): asserts config is PodSandboxConfig {
  if (!config) throw invalidArgument(field, 'required');
  const md = config.metadata;
  if (!md) throw invalidArgument(`${field}.metadata`, 'required');
  if (!md.name) throw invalidArgument(`${field}.metadata.name`, 'required');
  if (!md.namespace) throw invalidArgument(`${field}.metadata.namespace`, 'required');
  if (!md.uid) throw invalidArgument(`${field}.metadata.uid`, 'required');
  if (md.name.length > 253) throw invalidArgument(`${field}.metadata.name`, `longer than 253 characters`);
  if (!/^[A-Za-z0-9._-]+$/.test(md.uid)) throw invalidArgument(`${field}.metadata.uid`, `${JSON.stringify(md.uid)} has characters other than letters, digits, '.', '_', '-'`);
  if (config.hostname && (config.hostname.length > 64 || !HOSTNAME.test(config.hostname))) {
    throw invalidArgument(`${field}.hostname`, `${JSON.stringify(config.hostname)} is not a valid hostname`);
  }
  if (config.log_directory && !config.log_directory.startsWith('/')) {
    throw invalidArgument(`${field}.log_directory`, `${JSON.stringify(config.log_directory)} must be an absolute path`);
  }
  config.port_mappings.forEach((p, i) => {
    const f = `${field}.port_mappings[${i}]`;
    if (p.container_port <= 0 || p.container_port > 65535) throw invalidArgument(`${f}.container_port`, `${p.container_port} is outside 1..65535`);
    if (p.host_port < 0 || p.host_port > 65535) throw invalidArgument(`${f}.host_port`, `${p.host_port} is outside 0..65535`);
    if (p.host_ip && !/^[0-9.]+$|:/.test(p.host_ip)) throw invalidArgument(`${f}.host_ip`, `${JSON.stringify(p.host_ip)} is not an IP address`);
  });
  const ns = config.linux?.security_context?.namespace_options;
  if (ns) {
    if (ns.network !== 'POD' && ns.network !== 'NODE') throw invalidArgument(`${field}.linux.security_context.namespace_options.network`, `${ns.network} is not supported for a sandbox (POD or NODE)`);
    if (ns.ipc !== 'POD' && ns.ipc !== 'NODE') throw invalidArgument(`${field}.linux.security_context.namespace_options.ipc`, `${ns.ipc} is not supported for a sandbox (POD or NODE)`);
    if (ns.pid === 'TARGET') throw invalidArgument(`${field}.linux.security_context.namespace_options.pid`, 'TARGET is not supported for a sandbox');
  }
  if (config.linux?.cgroup_parent && (config.linux.cgroup_parent.includes('..') || /[\0\n]/.test(config.linux.cgroup_parent))) {
    throw invalidArgument(`${field}.linux.cgroup_parent`, `${JSON.stringify(config.linux.cgroup_parent)} is not a clean cgroup path`);
  }
  checkResources(`${field}.linux.resources`, config.linux?.resources);
  try {
    checkSysctls(config.linux?.sysctls ?? {}, ns?.network === 'NODE', ns?.ipc === 'NODE', `${field}.linux.sysctls`);
  } catch (err) {
    throw new CriError(grpcStatus.INVALID_ARGUMENT, (err as Error).message);
  }
}

export function validateContainerConfig(config: ContainerConfig | null): asserts config is ContainerConfig {
  if (!config) throw invalidArgument('config', 'required');
  const md = config.metadata;
  if (!md) throw invalidArgument('config.metadata', 'required');
  if (!md.name) throw invalidArgument('config.metadata.name', 'required');
  if (md.name.length > 63 || !DNS_LABEL.test(md.name)) {
    throw invalidArgument('config.metadata.name', `${JSON.stringify(md.name)} is not a DNS label`);
  }
  if (!config.image?.image) throw invalidArgument('config.image.image', 'required');
  if (config.working_dir && !config.working_dir.startsWith('/')) {
    throw invalidArgument('config.working_dir', `${JSON.stringify(config.working_dir)} must be an absolute path`);
  }
  if (config.log_path && (config.log_path.startsWith('/') || config.log_path.split('/').includes('..'))) {
    throw invalidArgument('config.log_path', `${JSON.stringify(config.log_path)} must be relative to the sandbox's log_directory without '..'`);
  }
  config.envs.forEach((e, i) => {
    if (!e.key || e.key.includes('=') || e.key.includes('\0')) throw invalidArgument(`config.envs[${i}].key`, `${JSON.stringify(e.key)} is not a variable name`);
  });
  config.mounts.forEach((m, i) => {
    const f = `config.mounts[${i}]`;
    if (!m.container_path.startsWith('/')) throw invalidArgument(`${f}.container_path`, `${JSON.stringify(m.container_path)} must be an absolute path`);
    if (m.image?.image) throw invalidArgument(`${f}.image`, 'image volume mounts are not supported');
    if (!m.host_path.startsWith('/')) throw invalidArgument(`${f}.host_path`, `${JSON.stringify(m.host_path)} must be an absolute path`);
  });
  config.devices.forEach((d, i) => {
    throw invalidArgument(`config.devices[${i}]`, `device ${JSON.stringify(d.host_path)}: devices are not supported`);
  });
  const sc = config.linux?.security_context;
  if (sc) {
    if (sc.run_as_user && sc.run_as_username) throw invalidArgument('config.linux.security_context.run_as_username', 'only one of run_as_user and run_as_username may be set');
    if (sc.run_as_group && !sc.run_as_user && !sc.run_as_username) throw invalidArgument('config.linux.security_context.run_as_group', 'set without run_as_user or run_as_username');
    if (sc.run_as_user && sc.run_as_user.value < 0) throw invalidArgument('config.linux.security_context.run_as_user', `${sc.run_as_user.value} is negative`);
    if (sc.run_as_group && sc.run_as_group.value < 0) throw invalidArgument('config.linux.security_context.run_as_group', `${sc.run_as_group.value} is negative`);
    for (const [list, name] of [[sc.capabilities?.add_capabilities ?? [], 'add_capabilities'], [sc.capabilities?.drop_capabilities ?? [], 'drop_capabilities']] as const) {
      list.forEach((c, i) => {
        if (!/^(CAP_)?[A-Za-z_]+$/.test(c)) throw invalidArgument(`config.linux.security_context.capabilities.${name}[${i}]`, `${JSON.stringify(c)} is not a capability name`);
      });
    }
    if (sc.namespace_options?.network === 'CONTAINER' || sc.namespace_options?.network === 'TARGET') {
      throw invalidArgument('config.linux.security_context.namespace_options.network', `${sc.namespace_options.network} is not supported`);
    }
    if (sc.namespace_options?.pid === 'TARGET' && !sc.namespace_options.target_id) {
      throw invalidArgument('config.linux.security_context.namespace_options.target_id', 'required when pid is TARGET');
    }
  }
  checkResources('config.linux.resources', config.linux?.resources);
}
