import { describe, expect, it } from 'vitest';
import { fieldTypeErrors, formatFieldTypeError, strictDecodingMessage, unknownFields } from '../../api/strict-fields.js';
import { findByResource, RESOURCES } from '../../api/resources.js';
import { schemaForResource } from '../../api/schema.js';

const pods = findByResource('', 'pods')!;
const deployments = findByResource('apps', 'deployments')!;

describe('strict fields', () => {
  it('every served resource has a schema', () => {
    for (const r of RESOURCES) expect(schemaForResource(r), r.resource).toBeDefined();
  });

  it('finds unknown fields with their paths, ignoring map keys', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'x', labels: { anything: 'goes' }, annotations: { 'a/b': 'c' }, creationTimestamp: null },
      spec: {
        containers: [
          { name: 'a', image: 'b', resources: { limits: { cpu: '1', 'example.com/gpu': 1 } } },
          { name: 'b', image: 'c', imagePolicy: 'Always', ports: [{ containerPort: 80, bogus: 1 }] },
        ],
        nodeSelecter: { a: 'b' },
      },
      status: {},
      extra: true,
    };
    const unknown = unknownFields(pods, pod);
    expect(unknown).toEqual(['spec.containers[1].imagePolicy', 'spec.containers[1].ports[0].bogus', 'spec.nodeSelecter', 'extra']);
    expect(strictDecodingMessage(unknown.slice(0, 2))).toBe(
      'strict decoding error: unknown field "spec.containers[1].imagePolicy", unknown field "spec.containers[1].ports[0].bogus"',
    );
  });

  it('accepts a full deployment manifest', () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx',
                readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
                env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              },
            ],
            tolerations: [{ key: 'k', operator: 'Exists' }],
          },
        },
      },
    };
    expect(unknownFields(deployments, d)).toEqual([]);
    expect(fieldTypeErrors(deployments, d)).toEqual([]);
  });

  it('reports wrong JSON types', () => {
    const errs = fieldTypeErrors(deployments, {
      metadata: { name: 'web', labels: { a: 1 } },
      spec: { replicas: '3', template: { spec: { containers: { name: 'x' } } }, paused: 'yes' },
    });
    expect(errs.map(formatFieldTypeError)).toEqual([
      'metadata.labels[a]: expected string, got number 1',
      'spec.replicas: expected integer, got string "3"',
      'spec.template.spec.containers: expected array, got object {"name":"x"}',
      'spec.paused: expected boolean, got string "yes"',
    ]);
  });
});
