// Pure conversions from the runtime's records and observations to CRI messages.
import type { ContainerRecord } from '../container/container-record.js';
import type { CriExit } from '../container/container-status.js';
import type { ContainerStats as ExecStats } from '../executor/executor.js';
import type { SandboxRecord } from '../sandbox/sandbox-record.js';
import type { CgroupUsage } from '../sandbox/pod-cgroups.js';
import type { DeepPartial } from './cri-types.js';
import type * as cri from './cri-types.js';

export function sandboxState(ready: boolean): cri.PodSandboxState {
  return ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY';
}

export function toPodSandbox(rec: SandboxRecord, ready: boolean): DeepPartial<cri.PodSandbox> {
  return {
    id: rec.id,
    metadata: rec.config.metadata,
    state: sandboxState(ready),
    created_at: rec.createdAt,
    labels: rec.config.labels,
    annotations: rec.config.annotations,
    runtime_handler: rec.runtimeHandler,
  };
}

export function toPodSandboxStatus(rec: SandboxRecord, ready: boolean): DeepPartial<cri.PodSandboxStatus> {
  const ns = rec.config.linux?.security_context?.namespace_options;
  return {
    id: rec.id,
    metadata: rec.config.metadata,
    state: sandboxState(ready),
    created_at: rec.createdAt,
    network: rec.hostNetwork ? { ip: '' } : { ip: rec.ip, additional_ips: rec.additionalIps.map((ip) => ({ ip })) },
    linux: { namespaces: { options: { network: ns?.network ?? 'POD', pid: ns?.pid ?? 'CONTAINER', ipc: ns?.ipc ?? 'POD', target_id: '' } } },
    labels: rec.config.labels,
    annotations: rec.config.annotations,
    runtime_handler: rec.runtimeHandler,
  };
}

function imageSpec(rec: ContainerRecord): DeepPartial<cri.ImageSpec> {
  return { image: rec.config.image?.image ?? '', annotations: rec.config.image?.annotations ?? {}, user_specified_image: rec.config.image?.user_specified_image ?? '' };
}

export function toContainer(rec: ContainerRecord, state: cri.ContainerState): DeepPartial<cri.Container> {
  return {
    id: rec.id,
    pod_sandbox_id: rec.sandboxId,
    metadata: rec.config.metadata,
    image: imageSpec(rec),
    image_ref: rec.imageRef,
    image_id: rec.imageId,
    state,
    created_at: rec.createdAt,
    labels: rec.config.labels,
    annotations: rec.config.annotations,
  };
}

export function toContainerStatus(rec: ContainerRecord, exit: CriExit): DeepPartial<cri.ContainerStatus> {
  return {
    id: rec.id,
    metadata: rec.config.metadata,
    state: exit.state,
    created_at: rec.createdAt,
    started_at: exit.startedAt,
    finished_at: exit.state === 'CONTAINER_EXITED' ? exit.finishedAt : 0,
    exit_code: exit.exitCode,
    image: imageSpec(rec),
    image_ref: rec.imageRef,
    image_id: rec.imageId,
    reason: exit.reason,
    message: exit.message,
    labels: rec.config.labels,
    annotations: rec.config.annotations,
    mounts: rec.config.mounts,
    log_path: rec.logPath,
    resources: rec.config.linux?.resources ? { linux: rec.config.linux.resources } : null,
    user: rec.user ? { linux: { uid: rec.user.uid, gid: rec.user.gid, supplemental_groups: rec.user.additionalGids } } : null,
    stop_signal: rec.config.stop_signal,
  };
}

const u64 = (value: number): { value: number } => ({ value: Math.max(0, Math.round(value)) });

export function toContainerStats(
  rec: ContainerRecord,
  s: ExecStats,
  writable: { mountpoint: string; bytes: number; inodes: number },
  memoryLimit: number,
  nanoCores: number | undefined,
  ts: number,
): DeepPartial<cri.ContainerStats> {
  return {
    attributes: { id: rec.id, metadata: rec.config.metadata, labels: rec.config.labels, annotations: rec.config.annotations },
    cpu: { timestamp: ts, usage_core_nano_seconds: u64(s.cpuUsageNanos), ...(nanoCores !== undefined ? { usage_nano_cores: u64(nanoCores) } : {}) },
    memory: {
      timestamp: ts,
      working_set_bytes: u64(s.memoryWorkingSetBytes),
      usage_bytes: u64(s.memoryUsageBytes),
      ...(memoryLimit > 0 ? { available_bytes: u64(memoryLimit - s.memoryWorkingSetBytes) } : {}),
    },
    writable_layer: { timestamp: ts, fs_id: { mountpoint: writable.mountpoint }, used_bytes: u64(writable.bytes), inodes_used: u64(writable.inodes) },
  };
}

export interface NetDevCounters {
  name: string;
  rxBytes: number;
  rxErrors: number;
  txBytes: number;
  txErrors: number;
}

/** Parses /proc/<pid>/net/dev. */
export function parseNetDev(text: string): NetDevCounters[] {
  return text
    .split('\n')
    .slice(2)
    .map((line) => line.trim())
    .filter((line) => line.includes(':'))
    .map((line) => {
      const [name, rest] = line.split(':');
      const f = rest.trim().split(/\s+/).map(Number);
      return { name: name.trim(), rxBytes: f[0], rxErrors: f[2], txBytes: f[8], txErrors: f[10] };
    });
}

export function toPodSandboxStats(
  rec: SandboxRecord,
  usage: CgroupUsage,
  net: NetDevCounters[],
  containers: DeepPartial<cri.ContainerStats>[],
  nanoCores: number | undefined,
  ts: number,
): DeepPartial<cri.PodSandboxStats> {
  const eth0 = net.find((n) => n.name === 'eth0');
  const iface = (n: NetDevCounters) => ({ name: n.name, rx_bytes: u64(n.rxBytes), rx_errors: u64(n.rxErrors), tx_bytes: u64(n.txBytes), tx_errors: u64(n.txErrors) });
  return {
    attributes: { id: rec.id, metadata: rec.config.metadata, labels: rec.config.labels, annotations: rec.config.annotations },
    linux: {
      cpu: { timestamp: ts, usage_core_nano_seconds: u64(usage.cpuUsageNanos), ...(nanoCores !== undefined ? { usage_nano_cores: u64(nanoCores) } : {}) },
      memory: { timestamp: ts, working_set_bytes: u64(usage.memoryWorkingSetBytes), usage_bytes: u64(usage.memoryUsageBytes) },
      network: eth0 ? { timestamp: ts, default_interface: iface(eth0), interfaces: net.filter((n) => n.name !== 'eth0' && n.name !== 'lo').map(iface) } : null,
      process: { timestamp: ts, process_count: u64(usage.pids) },
      containers,
    },
  };
}
