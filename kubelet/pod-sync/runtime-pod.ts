// What the kubelet observed of one pod in the runtime: its sandboxes and containers, with times
// converted to milliseconds. The decision function and the status builder read only this.
import type { CriContainerState, PodSandboxState } from '../cri/runtime-service.js';

export interface ObservedSandbox {
  id: string;
  attempt: number;
  state: PodSandboxState;
  /** ms since the epoch */
  createdAt: number;
  /** the pod IP when the sandbox is ready and has its own network */
  ip?: string;
  additionalIps?: string[];
}

export interface ObservedContainer {
  id: string;
  sandboxId: string;
  name: string;
  /** CRI metadata.attempt: 0 for the first run, the restart count afterwards */
  attempt: number;
  isInit: boolean;
  state: CriContainerState;
  /** ms since the epoch; 0 when not yet */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  /** the spec hash recorded when it was created ('' when unknown) */
  hash: string;
}

export interface RuntimePod {
  uid: string;
  sandboxes: ObservedSandbox[];
  containers: ObservedContainer[];
}

/** Sandboxes newest first. */
export function sandboxesNewestFirst(rp: RuntimePod): ObservedSandbox[] {
  return [...rp.sandboxes].sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
}

/** The sandbox the pod's containers should run in: the newest ready one. */
export function currentSandbox(rp: RuntimePod): ObservedSandbox | undefined {
  return sandboxesNewestFirst(rp).find((s) => s.state === 'SANDBOX_READY');
}

/** Containers of one name (and kind), newest attempt first, optionally only in one sandbox. */
export function containersNamed(rp: RuntimePod, name: string, isInit: boolean, sandboxId?: string): ObservedContainer[] {
  return rp.containers
    .filter((c) => c.name === name && c.isInit === isInit && (sandboxId === undefined || c.sandboxId === sandboxId))
    .sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
}
