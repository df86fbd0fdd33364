// The node half of a cluster, shared by `skiff up` and `skiff agent`: seed the busybox image, start
// the runtime and the kubelet under the supervisor; and on the way out stop the kubelet, remove every
// pod through the CRI, stop the runtime and remove the node's network pieces.
import { createImageStore, imageStoreRoot } from '../../runtime/images/local-image-store.js';
import { ensureBusyboxImage } from '../../runtime/images/busybox-image.js';
import type { ClusterLayout } from './layout.js';
import { kubeletComponent, runtimeComponent, type NodeSettings } from './components.js';
import { removeAllPods, removeEmptyPodCgroupParent, removeNodeNetwork } from './node-teardown.js';
import type { Supervisor } from './supervisor.js';

const BUSYBOX_REF = 'docker.io/library/busybox:latest';

export async function startNode(sup: Supervisor, layout: ClusterLayout, node: NodeSettings, log: (m: string) => void): Promise<void> {
  // a fresh machine has no registry to pull from: seed the busybox image that `image: busybox` needs
  const store = createImageStore({ root: imageStoreRoot(layout.runtimeRoot) });
  try {
    if (!(await store.get(BUSYBOX_REF))) {
      await ensureBusyboxImage(store, BUSYBOX_REF);
      log(`imported ${BUSYBOX_REF} (built from Debian's busybox-static) into the node image store`);
    }
  } finally {
    store.close();
  }
  await sup.start(runtimeComponent(layout));
  await sup.start(kubeletComponent(layout, node));
}

export async function stopNode(sup: Supervisor, layout: ClusterLayout, log: (m: string) => void): Promise<void> {
  await sup.stopOne('kubelet');
  try {
    const n = await removeAllPods(layout.runtimeSocket, log);
    if (n > 0) log(`removed ${n} pod(s)`);
  } catch (err) {
    log(`could not remove pods through the runtime: ${(err as Error).message}`);
  }
  await sup.stopOne('runtime');
  await removeNodeNetwork(layout.cniConfDir, log).catch((err: Error) => log(`network clean-up: ${err.message}`));
  removeEmptyPodCgroupParent();
}
