import { describe, expect, it } from 'vitest';
import type { Node } from '../../api/types/core.js';
import { nodeProxyTarget, nodeProxyUrl } from '../../apiserver/routes/node-proxy.js';

describe('nodes/proxy', () => {
  it('finds the node and the kubelet path in a proxy path, and nothing in other paths', () => {
    expect(nodeProxyTarget('/api/v1/nodes/n1/proxy/stats/summary')).toEqual({ node: 'n1', path: '/stats/summary' });
    expect(nodeProxyTarget('/api/v1/nodes/n1/proxy')).toEqual({ node: 'n1', path: '/' });
    expect(nodeProxyTarget('/api/v1/nodes/n1')).toBeUndefined();
    expect(nodeProxyTarget('/api/v1/nodes/n1/status')).toBeUndefined();
    expect(nodeProxyTarget('/api/v1/namespaces/default/pods/p/proxy/x')).toBeUndefined();
  });
  it('targets the InternalIP and kubelet port, keeping the query', () => {
    const node: Node = { metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.5' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } };
    expect(nodeProxyUrl(node, { node: 'n1', path: '/stats/summary' }, new URLSearchParams('only_cpu_and_memory=true')).href).toBe('https://10.0.0.5:10250/stats/summary?only_cpu_and_memory=true');
  });
  it('a node without a kubelet endpoint is an error naming the fields', () => {
    expect(() => nodeProxyUrl({ metadata: { name: 'n1' } }, { node: 'n1', path: '/' }, new URLSearchParams())).toThrow('status.daemonEndpoints.kubeletEndpoint.Port');
  });
});
