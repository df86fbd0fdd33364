// Waits until the cluster reports a node Ready: the end of `skiff up`'s start and of an agent's join.
import type { Node } from '../../api/types/core.js';
import { isNodeReady } from '../../scheduler/node-info.js';
import type { KubeObject } from '../../api/types/meta.js';
import { ApiClient } from '../../client/rest-client.js';
import type { ClientConfig } from '../../client/types.js';
import { waitFor } from './readiness.js';

export async function waitForNodeReady(config: ClientConfig, nodeName: string, timeoutMs = 120_000): Promise<void> {
  const nodes = new ApiClient(config).resource<Node & KubeObject>('nodes');
  await waitFor(`node ${nodeName} to be Ready`, async () => isNodeReady(await nodes.get(undefined, nodeName)), timeoutMs);
}
