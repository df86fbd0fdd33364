// Reads one pod's sandboxes and containers from the CRI (by the pod-UID label) into a RuntimePod.
import { ANNOTATION_CONTAINER_HASH, LABEL_CONTAINER_NAME, LABEL_CONTAINER_TYPE, LABEL_POD_UID } from '../cri/labels.js';
import { CriNotFoundError, type CriContainer, type PodSandbox, type RuntimeService } from '../cri/runtime-service.js';
import type { ObservedContainer, ObservedSandbox, RuntimePod } from './runtime-pod.js';

const NS_PER_MS = 1_000_000;

export function nsToMs(ns: number): number {
  return ns > 0 ? Math.floor(ns / NS_PER_MS) : 0;
}

async function observeSandbox(rt: RuntimeService, s: PodSandbox): Promise<ObservedSandbox | undefined> {
  const base: ObservedSandbox = { id: s.id, attempt: s.metadata?.attempt ?? 0, state: s.state, createdAt: nsToMs(s.created_at) };
  if (s.state !== 'SANDBOX_READY') return base;
  try {
    const st = await rt.podSandboxStatus(s.id);
    const ip = st.network?.ip || undefined;
    return { ...base, state: st.state, ip, additionalIps: (st.network?.additional_ips ?? []).map((a) => a.ip).filter(Boolean) };
  } catch (err) {
    if (err instanceof CriNotFoundError) return undefined;
    throw err;
  }
}

async function observeContainer(rt: RuntimeService, c: CriContainer): Promise<ObservedContainer | undefined> {
  try {
    const st = await rt.containerStatus(c.id);
    return {
      id: c.id,
      sandboxId: c.pod_sandbox_id,
      name: c.labels[LABEL_CONTAINER_NAME] ?? c.metadata?.name ?? '',
      attempt: st.metadata?.attempt ?? c.metadata?.attempt ?? 0,
      isInit: c.labels[LABEL_CONTAINER_TYPE] === 'init',
      state: st.state,
      createdAt: nsToMs(st.created_at),
      startedAt: nsToMs(st.started_at),
      finishedAt: nsToMs(st.finished_at),
      exitCode: st.exit_code,
      reason: st.reason,
      message: st.message,
      image: st.image?.image ?? c.image?.image ?? '',
      imageRef: st.image_ref || c.image_ref,
      hash: c.annotations[ANNOTATION_CONTAINER_HASH] ?? '',
    };
  } catch (err) {
    if (err instanceof CriNotFoundError) return undefined;
    throw err;
  }
}

export async function observePod(rt: RuntimeService, uid: string): Promise<RuntimePod> {
  const selector = { label_selector: { [LABEL_POD_UID]: uid } };
  const [sandboxes, containers] = await Promise.all([rt.listPodSandbox(selector), rt.listContainers(selector)]);
  const [obsS, obsC] = await Promise.all([
    Promise.all(sandboxes.map((s) => observeSandbox(rt, s))),
    Promise.all(containers.map((c) => observeContainer(rt, c))),
  ]);
  return {
    uid,
    sandboxes: obsS.filter((s): s is ObservedSandbox => s !== undefined),
    containers: obsC.filter((c): c is ObservedContainer => c !== undefined),
  };
}
