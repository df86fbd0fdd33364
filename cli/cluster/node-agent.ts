// The node half of a cluster, shared by `skiff up` and `skiff agent`: seed the busybox image, start
// the runtime and the kubelet under the supervisor; and on the way out stop the kubelet, remove every
// pod through the CRI, stop the runtime and remove the node's network pieces.
import { imageStoreRoot } from '../../runtime/images/local-image-store.js';
import type { ClusterLayout } from './layout.js';
import { ensureBusyboxImage } from './busybox-seed.js';
import { kubeletComponent, runtimeComponent, type NodeSettings } from './components.js';
import { removeAllPods, removeNodeNetwork } from './node-teardown.js';
import type { Supervisor } from './supervisor.js';

export async function startNode(sup: Supervisor, layout: ClusterLayout, node: NodeSettings, log: (m: string) => void): Promise<void> {
  if (await ensureBusyboxImage(imageStoreRoot(layout.runtimeRoot))) log('imported busybox (docker.io/library/busybox:latest) into the node image store');
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
}
