// The CRI RuntimeService: each method takes the decoded request and returns the response, or
// throws a CriError. Sandbox and container work is delegated to their managers; this layer
// validates, orders cross-object steps (stop a pod's containers before its sandbox) and converts.
import { promises as fs } from 'node:fs';
import type { ContainerManager } from '../container/container-manager.js';
import type { PodNetwork } from '../network/cni-network.js';
import type { PodCgroups } from '../sandbox/pod-cgroups.js';
import type { SandboxManager } from '../sandbox/sandbox-manager.js';
import type { SandboxRecord } from '../sandbox/sandbox-record.js';
import type { ContainerRecord } from '../container/container-record.js';
import { invalidArgument, notFound, unimplemented } from './cri-error.js';
import { parseNetDev, toContainer, toContainerStats, toContainerStatus, toPodSandbox, toPodSandboxStats, toPodSandboxStatus } from './cri-converters.js';
import type * as cri from './cri-types.js';
import { rfc3339ToNanos } from '../container/container-status.js';
import { CpuRateTracker } from './cpu-rate.js';
import { nowNanos } from './timestamps.js';
import { idMatches, labelsMatch } from './list-filters.js';
import { checkResources, validateContainerConfig, validateSandboxConfig } from './request-validation.js';

type Res<T> = Promise<cri.DeepPartial<T>>;

export interface RuntimeServiceDeps {
  sandboxes: SandboxManager;
  containers: ContainerManager;
  network: PodNetwork;
  cgroups: PodCgroups;
  version: string;
  /** the filesystem holding container writable layers (for stats) */
  containerFsMountpoint: string;
}

export class RuntimeServiceHandlers {
  private readonly cpuRates = new CpuRateTracker();

  constructor(private readonly d: RuntimeServiceDeps) {}

  async Version(_req: cri.VersionRequest): Res<cri.VersionResponse> {
    return { version: '0.1.0', runtime_name: 'skiff', runtime_version: this.d.version, runtime_api_version: 'v1' };
  }

  async Status(req: cri.StatusRequest): Res<cri.StatusResponse> {
    const net = await this.d.network.ready();
    return {
      status: {
        conditions: [
          { type: 'RuntimeReady', status: true, reason: '', message: '' },
          { type: 'NetworkReady', status: net.ok, reason: net.ok ? '' : 'NetworkPluginNotReady', message: net.ok ? '' : net.message },
        ],
      },
      info: req.verbose ? { network: JSON.stringify(net.message) } : {},
      runtime_handlers: [{ name: '', features: { recursive_read_only_mounts: false, user_namespaces: false } }],
      features: { supplemental_groups_policy: false, user_namespaces_host_network: false },
    };
  }

  async UpdateRuntimeConfig(req: { runtime_config: { network_config: { pod_cidr: string } | null } | null }): Res<object> {
    const cidr = req.runtime_config?.network_config?.pod_cidr;
    if (cidr) {
      try {
        await this.d.network.setPodCidr(cidr);
      } catch (err) {
        throw invalidArgument('runtime_config.network_config.pod_cidr', (err as Error).message);
      }
    }
    return {};
  }

  async UpdatePodSandboxResources(req: { pod_sandbox_id: string; resources: cri.LinuxContainerResources | null }): Res<object> {
    if (!req.pod_sandbox_id) throw invalidArgument('pod_sandbox_id', 'required');
    if (!req.resources) return {};
    checkResources('resources', req.resources);
    await this.d.sandboxes.updateResources(req.pod_sandbox_id, req.resources);
    return {};
  }

  async RuntimeConfig(): Res<{ linux: { cgroup_driver: string } }> {
    return { linux: { cgroup_driver: 'CGROUPFS' } };
  }

  // ---- sandboxes ----

  async RunPodSandbox(req: cri.RunPodSandboxRequest): Res<cri.RunPodSandboxResponse> {
    validateSandboxConfig(req.config);
    if (req.runtime_handler) throw invalidArgument('runtime_handler', `unknown runtime handler ${JSON.stringify(req.runtime_handler)} (only the default "" exists)`);
    const rec = await this.d.sandboxes.run(req.config, req.runtime_handler);
    return { pod_sandbox_id: rec.id };
  }

  async StopPodSandbox(req: cri.PodSandboxIdRequest): Res<object> {
    if (!req.pod_sandbox_id) throw invalidArgument('pod_sandbox_id', 'required');
    const rec = this.d.sandboxes.find(req.pod_sandbox_id);
    if (!rec) return {};
    await this.d.containers.stopAllIn(rec.id);
    await this.d.sandboxes.stop(rec.id);
    return {};
  }

  async RemovePodSandbox(req: cri.PodSandboxIdRequest): Res<object> {
    if (!req.pod_sandbox_id) throw invalidArgument('pod_sandbox_id', 'required');
    const rec = this.d.sandboxes.find(req.pod_sandbox_id);
    if (!rec) return {};
    await this.d.containers.removeAllIn(rec.id);
    await this.d.sandboxes.remove(rec.id);
    return {};
  }

  async PodSandboxStatus(req: cri.PodSandboxStatusRequest): Res<cri.PodSandboxStatusResponse> {
    if (!req.pod_sandbox_id) throw invalidArgument('pod_sandbox_id', 'required');
    const rec = this.d.sandboxes.get(req.pod_sandbox_id);
    const ready = await this.d.sandboxes.isReady(rec);
    const info: Record<string, string> = {};
    if (req.verbose) {
      info.info = JSON.stringify({ pid: rec.pause?.pid ?? 0, netns: rec.netnsPath, cgroupParent: rec.cgroupParent, cniResult: rec.cniResult ?? null });
    }
    return { status: toPodSandboxStatus(rec, ready), info, containers_statuses: [], timestamp: nowNanos() };
  }

  async ListPodSandbox(req: cri.ListPodSandboxRequest): Res<cri.ListPodSandboxResponse> {
    const f = req.filter;
    const items: cri.DeepPartial<cri.PodSandbox>[] = [];
    for (const rec of this.d.sandboxes.list()) {
      if (!idMatches(rec.id, f?.id) || !labelsMatch(rec.config.labels, f?.label_selector)) continue;
      const ready = await this.d.sandboxes.isReady(rec);
      const item = toPodSandbox(rec, ready);
      if (f?.state && f.state.state !== item.state) continue;
      items.push(item);
    }
    return { items };
  }

  // ---- containers ----

  async CreateContainer(req: cri.CreateContainerRequest): Res<cri.CreateContainerResponse> {
    if (!req.pod_sandbox_id) throw invalidArgument('pod_sandbox_id', 'required');
    validateContainerConfig(req.config);
    const sb = this.d.sandboxes.get(req.pod_sandbox_id);
    const rec = await this.d.containers.create(sb, await this.d.sandboxes.isReady(sb), req.config);
    return { container_id: rec.id };
  }

  async StartContainer(req: cri.ContainerIdRequest): Res<object> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    await this.d.containers.start(req.container_id);
    return {};
  }

  async StopContainer(req: cri.StopContainerRequest): Res<object> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    if (req.timeout < 0) throw invalidArgument('timeout', `${req.timeout} is negative`);
    await this.d.containers.stop(req.container_id, req.timeout);
    return {};
  }

  async RemoveContainer(req: cri.ContainerIdRequest): Res<object> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    await this.d.containers.remove(req.container_id);
    return {};
  }

  async ListContainers(req: cri.ListContainersRequest): Res<cri.ListContainersResponse> {
    const f = req.filter;
    const containers: cri.DeepPartial<cri.Container>[] = [];
    for (const rec of this.d.containers.list()) {
      if (!idMatches(rec.id, f?.id) || !idMatches(rec.sandboxId, f?.pod_sandbox_id) || !labelsMatch(rec.config.labels, f?.label_selector)) continue;
      const { state } = await this.d.containers.criState(rec);
      if (f?.state && f.state.state !== state) continue;
      containers.push(toContainer(rec, state));
    }
    return { containers };
  }

  async ContainerStatus(req: cri.ContainerStatusRequest): Res<cri.ContainerStatusResponse> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    const rec = this.d.containers.get(req.container_id);
    const exit = await this.d.containers.criState(rec);
    const info: Record<string, string> = {};
    if (req.verbose) {
      const st = await this.d.containers.execState(rec);
      info.info = JSON.stringify({ pid: st?.pid ?? 0, bundle: rec.bundle, sandboxID: rec.sandboxId, cgroupsPath: rec.cgroupsPath });
    }
    return { status: toContainerStatus(rec, exit), info };
  }

  async UpdateContainerResources(req: cri.UpdateContainerResourcesRequest): Res<object> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    if (!req.linux) throw invalidArgument('linux', 'required');
    checkResources('linux', req.linux);
    await this.d.containers.updateResources(req.container_id, req.linux);
    return {};
  }

  async ReopenContainerLog(req: cri.ContainerIdRequest): Res<object> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    await this.d.containers.reopenLog(req.container_id);
    return {};
  }

  async ExecSync(req: cri.ExecSyncRequest): Res<cri.ExecSyncResponse> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    if (req.timeout < 0) throw invalidArgument('timeout', `${req.timeout} is negative`);
    const r = await this.d.containers.execSync(req.container_id, req.cmd, req.timeout);
    return { stdout: r.stdout, stderr: r.stderr, exit_code: r.exitCode };
  }

  async Exec(): Res<object> {
    throw unimplemented('Exec', 'streaming exec comes in a later issue; use ExecSync');
  }

  async Attach(): Res<object> {
    throw unimplemented('Attach', 'streaming attach comes in a later issue');
  }

  async PortForward(): Res<object> {
    throw unimplemented('PortForward', 'streaming port-forward comes in a later issue');
  }

  // ---- stats ----

  private async containerStats(rec: ContainerRecord): Promise<cri.DeepPartial<cri.ContainerStats> | undefined> {
    try {
      const s = await this.d.containers.stats(rec);
      const limit = rec.config.linux?.resources?.memory_limit_in_bytes ?? 0;
      const ts = rfc3339ToNanos(s.exec.timestamp) || nowNanos();
      const rate = this.cpuRates.sample(`c:${rec.id}`, s.exec.cpuUsageNanos, ts);
      return toContainerStats(rec, s.exec, { mountpoint: this.d.containerFsMountpoint, bytes: s.writableBytes, inodes: s.writableInodes }, limit, rate, ts);
    } catch {
      return undefined; // not running: no cgroup to read
    }
  }

  async ContainerStats(req: cri.ContainerIdRequest): Res<cri.ContainerStatsResponse> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    const rec = this.d.containers.get(req.container_id);
    const stats = await this.containerStats(rec);
    if (!stats) throw notFound('stats of container', rec.id);
    return { stats };
  }

  private forgetGone(): void {
    this.cpuRates.retain(new Set([...this.d.containers.list().map((c) => `c:${c.id}`), ...this.d.sandboxes.list().map((s) => `p:${s.id}`)]));
  }

  async ListContainerStats(req: cri.ListContainerStatsRequest): Res<cri.ListContainerStatsResponse> {
    this.forgetGone();
    const f = req.filter;
    const stats: cri.DeepPartial<cri.ContainerStats>[] = [];
    for (const rec of this.d.containers.list()) {
      if (!idMatches(rec.id, f?.id) || !idMatches(rec.sandboxId, f?.pod_sandbox_id) || !labelsMatch(rec.config.labels, f?.label_selector)) continue;
      const s = await this.containerStats(rec);
      if (s) stats.push(s);
    }
    return { stats };
  }

  private async podStats(rec: SandboxRecord): Promise<cri.DeepPartial<cri.PodSandboxStats>> {
    const usage = await this.d.cgroups.usage(rec.cgroupParent);
    let net: ReturnType<typeof parseNetDev> = [];
    if (!rec.hostNetwork && rec.pause && (await this.d.sandboxes.isReady(rec))) {
      net = parseNetDev(await fs.readFile(`/proc/${rec.pause.pid}/net/dev`, 'utf8').catch(() => ''));
    }
    const containers: cri.DeepPartial<cri.ContainerStats>[] = [];
    for (const c of this.d.containers.inSandbox(rec.id)) {
      const s = await this.containerStats(c);
      if (s) containers.push(s);
    }
    const ts = nowNanos();
    return toPodSandboxStats(rec, usage, net, containers, this.cpuRates.sample(`p:${rec.id}`, usage.cpuUsageNanos, ts), ts);
  }

  async PodSandboxStats(req: cri.PodSandboxIdRequest): Res<cri.PodSandboxStatsResponse> {
    if (!req.pod_sandbox_id) throw invalidArgument('pod_sandbox_id', 'required');
    const rec = this.d.sandboxes.get(req.pod_sandbox_id);
    return { stats: await this.podStats(rec) };
  }

  async ListPodSandboxStats(req: cri.ListPodSandboxStatsRequest): Res<cri.ListPodSandboxStatsResponse> {
    this.forgetGone();
    const f = req.filter;
    const stats: cri.DeepPartial<cri.PodSandboxStats>[] = [];
    for (const rec of this.d.sandboxes.list()) {
      if (!idMatches(rec.id, f?.id) || !labelsMatch(rec.config.labels, f?.label_selector)) continue;
      if (!(await this.d.sandboxes.isReady(rec))) continue;
      stats.push(await this.podStats(rec));
    }
    return { stats };
  }
}
