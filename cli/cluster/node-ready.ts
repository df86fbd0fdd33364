// Waits until the cluster reports a node Ready: the end of `skiff up`'s start and of an agent's join.
import type { Node } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import { ApiClient } from '../../client/rest-client.js';
import type { ClientConfig } from '../../client/types.js';
import { waitFor } from './readiness.js';

export function nodeIsReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export async function waitForNodeReady(config: ClientConfig, nodeName: string, timeoutMs = 120_000): Promise<void> {
  const nodes = new ApiClient(config).resource<Node & KubeObject>('nodes');
  await waitFor(`node ${nodeName} to be Ready`, async () => nodeIsReady(await nodes.get(undefined, nodeName)), timeoutMs);
}
