// The real parts under the CRI service — the native executor, the image store, overlay snapshots,
// the host's cgroup driver, the native pause, mount-pinned netns, CNI plugin binaries — and
// startRuntimeService(), which `skiff runtime` and `skiff up` call.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { detectCgroupDriver } from '../cgroups/cgroup-driver.js';
import { hostCapabilities } from '../container/host-capabilities.js';
import { defaultSpec } from '../executor/default-spec.js';
import { findNativeBinary, sealedBinaryPath } from '../executor/native-binary.js';
import { createExecutor } from '../executor/native-executor.js';
import { createImageStore } from '../images/local-image-store.js';
import { BinaryPluginExec } from '../network/cni-plugin-exec.js';
import { MountNetnsPinner } from '../network/netns-pin.js';
import { DriverPodCgroups } from '../sandbox/driver-pod-cgroups.js';
import { NativePauseLauncher } from '../sandbox/pause-launcher.js';
import { OverlaySnapshotter } from '../snapshots/overlay-snapshotter.js';
import { startRuntimeServiceWith, type RuntimeParts, type RuntimeService, type RuntimeServiceOptions } from './runtime-server.js';

export interface StartRuntimeOptions extends RuntimeServiceOptions {
  cniBinDirs: string[];
  /** default <root>/images */
  imageRoot?: string;
  /** default <root>/executor */
  executorRoot?: string;
  nativeBin?: string;
  log?: Logger;
}

export function createRealParts(opts: StartRuntimeOptions): { parts: RuntimeParts; setInUse: (fn: (imageId: string) => string | undefined) => void } {
  const cgroupDriver = detectCgroupDriver();
  const nativeBin = opts.nativeBin ?? findNativeBinary();
  let inUse: (imageId: string) => string | undefined = () => undefined;
  const parts: RuntimeParts = {
    executor: createExecutor({ root: opts.executorRoot ?? join(opts.root, 'executor'), nativeBin, cgroupDriver }),
    images: createImageStore({ root: opts.imageRoot ?? join(opts.root, 'images'), inUse: (id) => inUse(id) }),
    snapshotter: new OverlaySnapshotter(join(opts.root, 'snapshots')),
    cgroups: new DriverPodCgroups(cgroupDriver),
    pause: new NativePauseLauncher(sealedBinaryPath(nativeBin)), // one sealed in-memory copy, not one per pod
    pinner: new MountNetnsPinner(),
    pluginExec: new BinaryPluginExec(opts.cniBinDirs),
    baseSpec: () => defaultSpec(),
    hostCapabilities: hostCapabilities(),
  };
  return { parts, setInUse: (fn) => (inUse = fn) };
}

/** Starts `skiff runtime` in this process; close() stops serving, containers keep running. */
export async function startRuntimeService(opts: StartRuntimeOptions): Promise<RuntimeService> {
  const { parts, setInUse } = createRealParts(opts);
  const svc = await startRuntimeServiceWith(opts, parts);
  setInUse((id) => svc.containers.imageUsedBy(id));
  return svc;
}
