import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/types/core.js';
import type { PodStats, Summary } from '../../api/types/stats.js';
import { metricsList, metricsRequest, nodeMetricsOf, podMetricsOf } from '../../apiserver/routes/metrics-objects.js';

const now = new Date('2026-11-24T01:00:05Z');
const t = '2026-11-24T01:00:00.000Z';

describe('metrics.k8s.io objects', () => {
  it('parses the metrics paths, and nothing else', () => {
    expect(metricsRequest('/apis/metrics.k8s.io/v1beta1/nodes')).toEqual({ resource: 'nodes' });
    expect(metricsRequest('/apis/metrics.k8s.io/v1beta1/nodes/n1')).toEqual({ resource: 'nodes', name: 'n1' });
    expect(metricsRequest('/apis/metrics.k8s.io/v1beta1/pods')).toEqual({ resource: 'pods' });
    expect(metricsRequest('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).toEqual({ resource: 'pods', namespace: 'default' });
    expect(metricsRequest('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web')).toEqual({ resource: 'pods', namespace: 'default', name: 'web' });
    expect(metricsRequest('/apis/metrics.k8s.io/v1beta1')).toBeUndefined();
    expect(metricsRequest('/apis/metrics.k8s.io/v1beta1/services')).toBeUndefined();
    expect(metricsRequest('/api/v1/pods')).toBeUndefined();
  });

  it('a node: CPU rate in nanocores, working set as a quantity', () => {
    const node: Node = { metadata: { name: 'n1', labels: { a: 'b' } } };
    const summary: Summary = { node: { nodeName: 'n1', cpu: { time: t, usageNanoCores: 123_456_789 }, memory: { time: t, workingSetBytes: 512 * 1024 * 1024 } }, pods: [] };
    expect(nodeMetricsOf(node, summary, now)).toEqual({
      kind: 'NodeMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'n1', creationTimestamp: '2026-11-24T01:00:05.000Z', labels: { a: 'b' } },
      timestamp: t,
      window: '10s',
      usage: { cpu: '123456789n', memory: '512Mi' },
    });
    expect(nodeMetricsOf(node, { node: { nodeName: 'n1', cpu: { time: t } }, pods: [] }, now)).toBeUndefined();
  });

  it('a pod: one entry per container; none while a container has no rate', () => {
    const pod: Pod = { metadata: { name: 'web', namespace: 'default' } };
    const stats: PodStats = {
      podRef: { name: 'web', namespace: 'default', uid: 'u' },
      containers: [{ name: 'c', cpu: { time: t, usageNanoCores: 5 }, memory: { time: t, workingSetBytes: 1536 } }],
    };
    expect(podMetricsOf(pod, stats, now)).toEqual({
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-11-24T01:00:05.000Z' },
      timestamp: t,
      window: '10s',
      containers: [{ name: 'c', usage: { cpu: '5n', memory: '1536' } }],
    });
    expect(podMetricsOf(pod, { ...stats, containers: [{ name: 'c', cpu: { time: t }, memory: { time: t, workingSetBytes: 1 } }] }, now)).toBeUndefined();
    expect(metricsList('PodMetricsList', [])).toEqual({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [] });
  });
});
