// What the runtime remembers about a container, on disk; written (phase 'creating') before the
// snapshot and executor container exist, so a crash in CreateContainer is undone on recovery.
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
}

export function containerKey(md: { name: string; attempt: number }): string {
  return `${md.name}_${md.attempt}`;
}
