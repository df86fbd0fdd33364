// What the runtime remembers about a container, on disk; written before each side effect.
import type { ContainerConfig } from '../cri/cri-types.js';
import type { ResolvedUser } from './user-resolver.js';

export type ContainerPhase = 'creating' | 'created';

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  /** name_attempt: unique within the sandbox */
  key: string;
  phase: ContainerPhase;
  config: ContainerConfig;
  imageId: string;
  /** the digested reference (repo@sha256:...) or the id when the image has none */
  imageRef: string;
  /** nanoseconds since the epoch */
  createdAt: number;
  bundle: string;
  rootfs: string;
  snapshotKey: string;
  logPath: string;
  cgroupsPath: string;
  user?: ResolvedUser;
  env: string[];
  cwd: string;
  stopSignal: string;
  /** executor.create was (or may have been) called */
  executorOwed: boolean;
  snapshotOwed: boolean;
}

export function containerKey(md: { name: string; attempt: number }): string {
  return `${md.name}_${md.attempt}`;
}
