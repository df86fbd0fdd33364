// Pod sandboxes: the pause process holding the pod's namespaces, its pinned network namespace
// wired by CNI, the pod cgroup, and the shared /etc files. Every step is recorded before it is
// taken; teardown is idempotent and runs from whatever the record says was made.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { alreadyExists, notFound } from '../cri/cri-error.js';
import type { LinuxContainerResources, PodSandboxConfig } from '../cri/cri-types.js';
import { KeyedMutex } from '../cri/keyed-mutex.js';
import { resolveId } from '../cri/list-filters.js';
import { nowNanos } from '../cri/timestamps.js';
import type { RecordStore } from '../cri/record-store.js';
import { resultIps, toCniPortMappings } from '../network/cni-config.js';
import type { PodNetwork } from '../network/cni-network.js';
import type { CniAttachment } from '../network/cni-types.js';
import type { NetnsPinner } from '../network/netns-pin.js';
import type { PauseLauncher } from './pause-launcher.js';
import { limitsOf, type PodCgroups } from './pod-cgroups.js';
import { writePodFiles } from './pod-files.js';
import { applySysctls } from './sandbox-sysctls.js';
import { sandboxKey, type SandboxRecord } from './sandbox-record.js';


/** the cgroup every pod goes under when the kubelet names no parent: `skiff/pod<uid>` */
export const DEFAULT_POD_CGROUP_PARENT = 'skiff';

export interface SandboxManagerDeps {
  root: string;
  store: RecordStore<SandboxRecord>;
  pause: PauseLauncher;
  pinner: NetnsPinner;
  network: PodNetwork;
  cgroups: PodCgroups;
  log: Logger;
  hostResolvConfPath?: string;
}

export class SandboxManager {
  private readonly records = new Map<string, SandboxRecord>();
  /** half-made sandboxes whose undo failed; retried when a RunPodSandbox of the same name comes */
  private readonly leftovers = new Map<string, SandboxRecord>();
  private readonly lock = new KeyedMutex();

  constructor(private readonly d: SandboxManagerDeps) {}

  /** Loads records; half-made sandboxes (a crash during RunPodSandbox) are torn down and dropped. */
  async recover(): Promise<void> {
    for (const rec of await this.d.store.list()) {
      if (rec.phase === 'creating') {
        this.d.log.warn({ sandbox: rec.id }, 'removing a sandbox left half-made by a crash');
        await this.teardown(rec, true).catch((err: Error) => {
          this.leftovers.set(rec.id, rec);
          this.d.log.error({ sandbox: rec.id, err: err.message }, 'could not undo a half-made sandbox; RunPodSandbox of that name retries');
        });
        continue;
      }
      this.records.set(rec.id, rec);
    }
  }

  list(): SandboxRecord[] {
    return [...this.records.values()];
  }

  /** By id or unique id prefix; undefined when absent. */
  find(id: string): SandboxRecord | undefined {
    const full = resolveId(this.records.keys(), id);
    return full ? this.records.get(full) : undefined;
  }

  get(id: string): SandboxRecord {
    const rec = this.find(id);
    if (!rec) throw notFound('pod sandbox', id);
    return rec;
  }

  async isReady(rec: SandboxRecord): Promise<boolean> {
    return rec.phase === 'ready' && rec.pause !== undefined && (await this.d.pause.isAlive(rec.pause));
  }

  /** Runs a new sandbox; the config must already be validated. */
  async run(config: PodSandboxConfig, runtimeHandler: string): Promise<SandboxRecord> {
    const md = config.metadata!;
    const key = sandboxKey(md);
    return this.lock.run(`key:${key}`, async () => {
      for (const rec of [...this.records.values()]) {
        if (rec.key !== key) continue;
        throw alreadyExists(`pod sandbox name ${JSON.stringify(key)} is in use by sandbox ${rec.id}`);
      }
      for (const rec of [...this.leftovers.values()]) {
        if (rec.key !== key) continue;
        this.d.log.warn({ sandbox: rec.id }, 'cleaning a half-made sandbox of the same name before retrying');
        await this.teardown(rec, true);
        this.leftovers.delete(rec.id);
      }
      const id = randomBytes(32).toString('hex');
      const ns = config.linux?.security_context?.namespace_options ?? null;
      const hostNetwork = ns?.network === 'NODE';
      const cgroupParent = trimCgroup(config.linux?.cgroup_parent || `${DEFAULT_POD_CGROUP_PARENT}/pod${md.uid}`);
      const rec: SandboxRecord = {
        id,
        key,
        phase: 'creating',
        config,
        runtimeHandler,
        createdAt: nowNanos(),
        dir: join(this.d.root, 'sandboxes', id),
        hostNetwork,
        hostIpc: ns?.ipc === 'NODE',
        sharePid: ns !== null && ns.pid === 'POD',
        cgroupParent,
        ownsCgroupParent: !(await this.d.cgroups.exists(cgroupParent)),
        pauseCgroup: `${cgroupParent}/skiff-pause-${id.slice(0, 12)}`,
        netnsPath: hostNetwork ? '' : join(this.d.root, 'netns', id),
        networkOwed: false,
        ip: '',
        additionalIps: [],
      };
      await this.d.store.write(id, rec, { sync: true });
      try {
        await this.create(rec);
      } catch (err) {
        this.d.log.error({ sandbox: id, err: (err as Error).message }, 'RunPodSandbox failed; undoing');
        await this.teardown(rec, true).catch((e: Error) => {
          this.leftovers.set(rec.id, rec);
          this.d.log.error({ sandbox: id, err: e.message }, 'undo failed; retried with the next RunPodSandbox of this name');
        });
        throw err;
      }
      return rec;
    });
  }

  private async create(rec: SandboxRecord): Promise<void> {
    const t0 = performance.now();
    const mark: Record<string, number> = {};
    const lap = (name: string) => (mark[name] = Math.round(performance.now() - t0));
    await fs.mkdir(rec.dir, { recursive: true, mode: 0o711 });
    const procs = await this.d.cgroups.create(rec.pauseCgroup);
    const podResources = rec.config.linux?.resources;
    if (podResources && rec.ownsCgroupParent) await this.d.cgroups.update(rec.cgroupParent, limitsOf(podResources));
    lap('cgroup');
    const unshare: ('net' | 'ipc' | 'uts' | 'pid')[] = [];
    if (!rec.hostNetwork) unshare.push('net', 'uts');
    if (!rec.hostIpc) unshare.push('ipc');
    if (rec.sharePid) unshare.push('pid');
    rec.pause = await this.d.pause.start({
      unshare,
      hostname: rec.hostNetwork ? undefined : rec.config.hostname || rec.config.metadata!.name,
      cgroupProcs: procs,
    });
    await this.d.store.write(rec.id, rec);
    lap('pause');
    if (!rec.hostNetwork) {
      await this.d.pinner.pin(rec.pause.pid, rec.netnsPath);
      rec.networkOwed = true; // recorded with the next write; a crash before it is undone from phase 'creating'
      lap('netns');
      rec.cniResult = await this.d.network.add(this.attachment(rec));
      lap('cni');
      const ips = resultIps(rec.cniResult);
      rec.ip = ips.ip;
      rec.additionalIps = ips.additional;
    }
    const sysctls = rec.config.linux?.sysctls ?? {};
    if (Object.keys(sysctls).length > 0) await applySysctls(rec.pause.pid, sysctls);
    await writePodFiles(rec.dir, {
      hostname: rec.hostNetwork ? (await fs.readFile('/proc/sys/kernel/hostname', 'utf8')).trim() : rec.config.hostname || rec.config.metadata!.name,
      podIp: rec.ip,
      dns: rec.config.dns_config,
      hostResolvConfPath: this.d.hostResolvConfPath,
    });
    rec.phase = 'ready';
    await this.d.store.write(rec.id, rec);
    this.records.set(rec.id, rec);
    lap('ready');
    this.d.log.debug({ sandbox: rec.id, ms: mark }, 'sandbox ready');
  }

  attachment(rec: SandboxRecord): CniAttachment {
    const md = rec.config.metadata!;
    return {
      containerId: rec.id,
      netns: rec.netnsPath,
      ifName: 'eth0',
      args: { K8S_POD_NAMESPACE: md.namespace, K8S_POD_NAME: md.name, K8S_POD_INFRA_CONTAINER_ID: rec.id, K8S_POD_UID: md.uid },
      portMappings: toCniPortMappings(rec.config.port_mappings),
    };
  }

  /** UpdatePodSandboxResources: the pod cgroup's limits, when the runtime owns that cgroup. */
  async updateResources(id: string, resources: LinuxContainerResources): Promise<void> {
    const rec = this.get(id);
    await this.lock.run(rec.id, async () => {
      if (!rec.ownsCgroupParent) return; // the kubelet manages its pod cgroups itself
      await this.d.cgroups.update(rec.cgroupParent, limitsOf(resources));
      rec.config = { ...rec.config, linux: { ...rec.config.linux!, resources } };
      await this.d.store.write(rec.id, rec);
    });
  }

  /** Stops the sandbox (its containers must already be stopped): network down, pause gone. Idempotent. */
  async stop(id: string): Promise<void> {
    const rec = this.find(id);
    if (!rec) return;
    await this.lock.run(rec.id, async () => {
      await this.releaseNetworkAndPause(rec);
      if (rec.phase !== 'stopped') {
        rec.phase = 'stopped';
        await this.d.store.write(rec.id, rec);
      }
    });
  }

  /** Removes the sandbox (its containers must already be removed). Idempotent. */
  async remove(id: string): Promise<void> {
    const rec = this.find(id);
    if (!rec) return;
    await this.lock.run(rec.id, async () => {
      await this.teardown(rec, true);
      this.records.delete(rec.id);
    });
  }

  /** Each step runs even when an earlier one failed; the first error is thrown at the end. */
  private async releaseNetworkAndPause(rec: SandboxRecord): Promise<void> {
    const errors: Error[] = [];
    const step = async (fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        errors.push(err as Error);
      }
    };
    if (rec.networkOwed) {
      await step(async () => {
        // a namespace that is no longer pinned (never was, or gone with a reboot) is passed as
        // empty, as CNI allows for DEL, so the plugins still release the IP and host-side rules
        const pinned = rec.netnsPath !== '' && (await this.d.pinner.isPinned(rec.netnsPath));
        await this.d.network.del({ ...this.attachment(rec), netns: pinned ? rec.netnsPath : '' }, rec.cniResult);
        rec.networkOwed = false;
        await this.d.store.write(rec.id, rec);
      });
    }
    if (rec.netnsPath) await step(() => this.d.pinner.unpin(rec.netnsPath));
    if (rec.pause) await step(() => this.d.pause.stop(rec.pause!));
    if (errors.length > 0) throw errors[0];
  }

  /** Undo everything the record says may exist; with `drop`, delete the record too (only when all went well). */
  private async teardown(rec: SandboxRecord, drop: boolean): Promise<void> {
    if (rec.phase === 'creating') rec.networkOwed = !rec.hostNetwork; // ADD may have begun before the record said so
    const errors: Error[] = [];
    const step = async (fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        errors.push(err as Error);
      }
    };
    await step(() => this.releaseNetworkAndPause(rec));
    await step(() => this.d.cgroups.destroy(rec.pauseCgroup));
    if (rec.ownsCgroupParent) await step(() => this.d.cgroups.destroy(rec.cgroupParent));
    await step(() => fs.rm(rec.dir, { recursive: true, force: true }));
    if (errors.length > 0) throw errors[0];
    if (drop) await this.d.store.remove(rec.id);
  }
}

function trimCgroup(path: string): string {
  return path.replace(/^\/+/, '').replace(/\/+$/, '');
}
