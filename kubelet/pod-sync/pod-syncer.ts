// Applies the decision function's actions to the runtime for one pod, and tears pods down. The
// thin side-effecting edge around computePodActions: observe, decide, act, observe, build status.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Container, Pod, PodStatus } from '../../api/types/core.js';
import { podQosClass } from '../../api/pod-helpers.js';
import { ANNOTATION_GRACE_PERIOD, LABEL_POD_UID } from '../cri/labels.js';
import type { ContainerConfig, Cri, PodSandboxConfig } from '../cri/runtime-service.js';
import { ContainerConfigError } from '../cri-config/config-error.js';
import { buildContainerConfig } from '../cri-config/container-config.js';
import { buildSandboxConfig, podGracePeriodSeconds, podLogDirectory } from '../cri-config/sandbox-config.js';
import { buildPodStatus, type ProbeStatusLookup } from '../status/build-pod-status.js';
import type { VolumeManager, PodVolumes } from '../volumes/volume-manager.js';
import { computePodActions, type ContainerToStart, type PodActions, type ProbeVerdicts, type WaitingReason } from './compute-actions.js';
import { containerBackoffKey, type CrashBackoff } from './crash-backoff.js';
import { ImagePuller } from './image-puller.js';
import { LifecycleHooks } from '../probes/lifecycle-hooks.js';
import type { Prober } from '../probes/prober.js';
import { observePod } from './observe-pod.js';
import { currentSandbox, type RuntimePod } from './runtime-pod.js';

export interface PodEventSink {
  emit(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface NodeFacts {
  nodeName: string;
  hostIP: string;
  nodeHostname: string;
  rootDir: string;
  cpuMillis: number;
  memoryBytes: number;
  cgroupRoot?: string;
}

export interface PodSyncerDeps {
  cri: Cri;
  /** runs lifecycle hook handlers (the probes' prober) */
  prober: Prober;
  volumes: VolumeManager;
  backoff: CrashBackoff;
  probes: ProbeVerdicts & ProbeStatusLookup;
  events: PodEventSink;
  node: NodeFacts;
  log: Logger;
  now: () => number;
}

export interface SyncResult {
  status: PodStatus;
  runtime: RuntimePod;
  requeueAfterMs?: number;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** removes `<root>/logs/pods/<ns>_<name>_<uid>` of a pod that is gone */
async function removePodLogs(rootDir: string, uid: string): Promise<void> {
  const dir = join(rootDir, 'logs', 'pods');
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const e of entries) if (e.endsWith(`_${uid}`)) await rm(join(dir, e), { recursive: true, force: true });
}

export class PodSyncer {
  /** waiting reasons that outlive one sync (image pull and config errors), by pod UID */
  private readonly waiting = new Map<string, Record<string, WaitingReason>>();
  private readonly puller: ImagePuller;
  private readonly hooks: LifecycleHooks;

  constructor(private readonly d: PodSyncerDeps) {
    this.puller = new ImagePuller(d.cri.images, d.backoff, d.now);
    this.hooks = new LifecycleHooks(d.prober, d.now);
  }

  private specOf(pod: Pod, name: string, isInit: boolean): Container | undefined {
    return (isInit ? pod.spec?.initContainers : pod.spec?.containers)?.find((c) => c.name === name);
  }

  /** preStop hook, then StopContainer with what is left of the grace period */
  private async stopWithHook(pod: Pod, rp: RuntimePod, id: string, name: string, isInit: boolean, grace: number): Promise<void> {
    const spec = this.specOf(pod, name, isInit);
    const podIP = pod.spec?.hostNetwork ? this.d.node.hostIP : (currentSandbox(rp)?.ip ?? '');
    const pre = await this.hooks.preStop(spec, { containerId: id, container: spec ?? { name }, podIP }, grace);
    if (pre.error) this.d.events.emit(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed for container ${name}: ${pre.error}`);
    await this.d.cri.runtime.stopContainer(id, pre.graceLeft);
  }

  /** `onEarlyStatus` gets the observed status before a teardown-only sync acts */
  async syncPod(pod: Pod, onEarlyStatus?: (status: PodStatus) => void): Promise<SyncResult> {
    const uid = pod.metadata.uid ?? '';
    const before = await observePod(this.d.cri.runtime, uid);
    const actions = computePodActions({ pod, runtime: before, backoff: this.d.backoff, probes: this.d.probes, now: this.d.now() });
    const waiting = { ...(this.waiting.get(uid) ?? {}) };
    for (const [name, w] of Object.entries(waiting)) if (w.reason === 'CrashLoopBackOff' && !actions.waiting[name]) delete waiting[name];
    for (const [name, w] of Object.entries(actions.waiting)) {
      if (waiting[name]?.reason !== w.reason) this.d.events.emit(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${uid})`);
      waiting[name] = w;
    }
    const acted = this.hasWork(actions);
    if (acted && actions.startContainers.length === 0 && !actions.createSandbox && onEarlyStatus) {
      // only stopping and removing (a completed pod, a liveness kill): what was observed is already
      // the news, so publish it before the teardown, which can be slow
      onEarlyStatus(this.buildStatus(pod, before, waiting));
    }
    let requeue = actions.requeueAfterMs;
    if (acted) requeue = minDefined(requeue, await this.apply(pod, before, actions, waiting));

    const after = acted ? await observePod(this.d.cri.runtime, uid) : before;
    for (const c of after.containers) if (c.state === 'CONTAINER_RUNNING' && waiting[c.name]) delete waiting[c.name];
    this.waiting.set(uid, waiting);
    return { status: this.buildStatus(pod, after, waiting), runtime: after, requeueAfterMs: requeue };
  }

  private buildStatus(pod: Pod, runtime: RuntimePod, waiting: Record<string, WaitingReason>): PodStatus {
    return buildPodStatus({
      pod,
      runtime,
      waiting,
      probes: this.d.probes,
      hostIP: this.d.node.hostIP,
      qosClass: podQosClass(pod),
      now: this.d.now(),
    });
  }

  private hasWork(a: PodActions): boolean {
    return (
      a.createSandbox ||
      a.killContainers.length > 0 ||
      a.stopSandboxes.length > 0 ||
      a.removeSandboxes.length > 0 ||
      a.removeContainers.length > 0 ||
      a.startContainers.length > 0
    );
  }

  private async apply(pod: Pod, rp: RuntimePod, a: PodActions, waiting: Record<string, WaitingReason>): Promise<number | undefined> {
    const rt = this.d.cri.runtime;
    const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
    await Promise.all(
      a.killContainers.map(async (k) => {
        this.d.events.emit(pod, 'Normal', 'Killing', `Stopping container ${k.name}: ${k.reason}`);
        const c = rp.containers.find((x) => x.id === k.id);
        await this.stopWithHook(pod, rp, k.id, k.name, c?.isInit ?? false, grace);
      }),
    );
    for (const id of a.stopSandboxes) await rt.stopPodSandbox(id);
    for (const id of a.removeContainers) await rt.removeContainer(id);
    for (const id of a.removeSandboxes) await rt.removePodSandbox(id);
    if (a.startContainers.length === 0 && !a.createSandbox) return undefined;

    const volumes = await this.d.volumes.setUp(pod);
    let sandboxId = a.sandboxId;
    let podIP = currentSandbox(rp)?.ip ?? '';
    const sandboxConfig = buildSandboxConfig(pod, a.sandboxAttempt, { rootDir: this.d.node.rootDir, nodeHostname: this.d.node.nodeHostname, cgroupRoot: this.d.node.cgroupRoot });
    if (a.createSandbox) {
      try {
        await mkdir(podLogDirectory(this.d.node.rootDir, pod), { recursive: true });
        sandboxId = await rt.runPodSandbox(sandboxConfig);
        const st = await rt.podSandboxStatus(sandboxId);
        podIP = st.network?.ip ?? '';
      } catch (err) {
        const message = `Failed to create pod sandbox: ${(err as Error).message}`;
        this.d.log.warn({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, err: (err as Error).message }, 'sandbox creation failed');
        this.d.events.emit(pod, 'Warning', 'FailedCreatePodSandBox', message);
        return 2000;
      }
    }
    if (pod.spec?.hostNetwork) podIP = this.d.node.hostIP;
    let requeue: number | undefined;
    for (const s of a.startContainers) {
      const r = await this.startContainer(pod, s, sandboxId!, sandboxConfig, podIP, volumes, waiting);
      requeue = minDefined(requeue, r);
    }
    return requeue;
  }

  /** pull, configure, create, start; a failure leaves a waiting reason and an event */
  private async startContainer(
    pod: Pod,
    s: ContainerToStart,
    sandboxId: string,
    sandboxConfig: PodSandboxConfig,
    podIP: string,
    volumes: PodVolumes,
    waiting: Record<string, WaitingReason>,
  ): Promise<number | undefined> {
    const uid = pod.metadata.uid ?? '';
    const spec = (s.isInit ? pod.spec?.initContainers : pod.spec?.containers)?.[s.index] as Container;
    const pulled = await this.puller.ensure(uid, spec, (image) => this.d.events.emit(pod, 'Normal', 'Pulling', `Pulling image "${image}"`));
    if (!pulled.ok) {
      if (pulled.event) this.d.events.emit(pod, 'Warning', pulled.event.reason, pulled.event.message);
      waiting[spec.name] = pulled.waiting;
      return pulled.retryAfterMs;
    }
    if (pulled.event) this.d.events.emit(pod, 'Warning', pulled.event.reason, pulled.event.message);
    if (pulled.pulled) this.d.events.emit(pod, 'Normal', 'Pulled', `Successfully pulled image "${spec.image}" in ${pulled.pullMs ?? 0}ms`);
    let config: ContainerConfig;
    try {
      config = buildContainerConfig(pod, {
        container: spec,
        isInit: s.isInit,
        attempt: s.attempt,
        volumePaths: volumes.paths,
        volumeErrors: volumes.errors,
        qosClass: podQosClass(pod),
        pod,
        podIP,
        hostIP: this.d.node.hostIP,
        nodeCpuMillis: this.d.node.cpuMillis,
        nodeMemoryBytes: this.d.node.memoryBytes,
      });
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      return this.fail(pod, spec.name, waiting, 'CreateContainerConfigError', err.message);
    }
    const rt = this.d.cri.runtime;
    let id: string;
    try {
      await mkdir(join(sandboxConfig.log_directory, spec.name), { recursive: true });
      id = await rt.createContainer(sandboxId, config, sandboxConfig);
    } catch (err) {
      return this.fail(pod, spec.name, waiting, 'CreateContainerError', (err as Error).message);
    }
    this.d.events.emit(pod, 'Normal', 'Created', `Created container ${spec.name}`);
    try {
      await rt.startContainer(id);
    } catch (err) {
      await rt.removeContainer(id).catch(() => undefined);
      return this.fail(pod, spec.name, waiting, 'RunContainerError', (err as Error).message);
    }
    if (s.isRestart) this.d.backoff.next(containerBackoffKey(uid, spec.name), this.d.now());
    delete waiting[spec.name];
    this.d.events.emit(pod, 'Normal', 'Started', `Started container ${spec.name}`);
    const hookError = await this.hooks.postStart(spec, { containerId: id, container: spec, podIP });
    if (hookError) {
      this.d.events.emit(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed for container ${spec.name}: ${hookError}`);
      await rt.stopContainer(id, pod.spec?.terminationGracePeriodSeconds ?? 30);
      waiting[spec.name] = { reason: 'PostStartHookError', message: hookError };
    }
    return undefined;
  }

  private fail(pod: Pod, name: string, waiting: Record<string, WaitingReason>, reason: string, message: string): number {
    waiting[name] = { reason, message };
    this.d.events.emit(pod, 'Warning', 'Failed', `Error: ${message}`);
    this.d.log.warn({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, container: name, reason, message }, 'container failed to start');
    return 10_000;
  }

  /** SIGTERM every container (SIGKILL after the grace period), then stop and remove everything. */
  async terminatePod(pod: Pod, gracePeriodSeconds = podGracePeriodSeconds(pod)): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    await this.killAndRemove(uid, gracePeriodSeconds, pod);
    this.forget(uid);
  }

  /** Removes what the runtime holds for a pod the API no longer has (grace from the sandbox annotation). */
  async cleanupOrphan(uid: string): Promise<void> {
    const sandboxes = await this.d.cri.runtime.listPodSandbox({ label_selector: { [LABEL_POD_UID]: uid } });
    const grace = Number(sandboxes[0]?.annotations[ANNOTATION_GRACE_PERIOD] ?? '30');
    await this.killAndRemove(uid, Number.isFinite(grace) ? grace : 30);
    this.forget(uid);
  }

  /** stops every container (preStop hooks first when the pod is known), then removes it all */
  private async killAndRemove(uid: string, grace: number, pod?: Pod): Promise<void> {
    const rt = this.d.cri.runtime;
    const rp = await observePod(rt, uid);
    await Promise.all(
      rp.containers
        .filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED' || c.state === 'CONTAINER_UNKNOWN')
        .map(async (c) => {
          if (!pod) return rt.stopContainer(c.id, grace);
          this.d.events.emit(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
          await this.stopWithHook(pod, rp, c.id, c.name, c.isInit, grace);
        }),
    );
    for (const s of rp.sandboxes) await rt.stopPodSandbox(s.id);
    for (const c of rp.containers) await rt.removeContainer(c.id);
    for (const s of rp.sandboxes) await rt.removePodSandbox(s.id);
    await this.d.volumes.tearDown(uid);
    await removePodLogs(this.d.node.rootDir, uid);
  }

  forget(uid: string): void {
    this.waiting.delete(uid);
    this.d.backoff.forgetPrefix(`${uid}/`);
  }
}
