// What the runtime remembers about a sandbox, on disk. Written before each side effect so a crash
// at any step leaves enough to undo or resume it.
import type { PodSandboxConfig } from '../cri/cri-types.js';
import type { CniResult } from '../network/cni-types.js';
import type { PauseProcess } from './pause-launcher.js';

export type SandboxPhase = 'creating' | 'ready' | 'stopped';

export interface SandboxRecord {
  id: string;
  /** name_namespace_uid_attempt: unique among live sandboxes */
  key: string;
  phase: SandboxPhase;
  config: PodSandboxConfig;
  runtimeHandler: string;
  /** nanoseconds since the epoch */
  createdAt: number;
  dir: string;
  hostNetwork: boolean;
  hostIpc: boolean;
  /** the pod shares one PID namespace held by pause */
  sharePid: boolean;
  cgroupParent: string;
  /** the runtime created cgroupParent and so removes it */
  ownsCgroupParent: boolean;
  pauseCgroup: string;
  pause?: PauseProcess;
  netnsPath: string;
  /** CNI ADD was (or may have been) started: DEL is owed */
  networkOwed: boolean;
  cniResult?: CniResult;
  ip: string;
  additionalIps: string[];
}

export function sandboxKey(md: { name: string; namespace: string; uid: string; attempt: number }): string {
  return `${md.name}_${md.namespace}_${md.uid}_${md.attempt}`;
}
