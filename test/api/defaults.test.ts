import { describe, expect, it } from 'vitest';
import { applyDefaults, defaultImagePullPolicy } from '../../api/defaults.js';
import { findByResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';

const info = (group: string, resource: string) => findByResource(group, resource)!;

describe('defaults', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['localhost:5000/nginx', 'Always'],
    ['localhost:5000/nginx:1.25', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
  ])('imagePullPolicy of %s is %s', (image, want) => {
    expect(defaultImagePullPolicy(image)).toBe(want);
  });

  it('a pod gets what kubectl get -o yaml shows against Kubernetes', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nginx', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx',
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { port: 80 } },
            resources: { limits: { cpu: '1', memory: '64Mi' } },
            env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          },
        ],
        volumes: [{ name: 'h', hostPath: { path: '/tmp' } }, { name: 'e' }],
      },
    };
    applyDefaults(info('', 'pods'), pod);
    expect(pod.spec).toEqual({
      containers: [
        {
          name: 'nginx',
          image: 'nginx',
          imagePullPolicy: 'Always',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          resources: { limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '1', memory: '64Mi' } },
          env: [{ name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      volumes: [{ name: 'h', hostPath: { path: '/tmp', type: '' } }, { name: 'e', emptyDir: {} }],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
  });

  it('keeps given values and existing tolerations for the same taints', () => {
    const pod: KubeObject = {
      metadata: { name: 'x' },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 5,
        containers: [{ name: 'a', image: 'a:1', imagePullPolicy: 'Never' }],
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
      },
    };
    applyDefaults(info('', 'pods'), pod);
    const spec = pod.spec as Record<string, unknown>;
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.terminationGracePeriodSeconds).toBe(5);
    expect((spec.containers as { imagePullPolicy: string }[])[0]!.imagePullPolicy).toBe('Never');
    expect(spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const all: KubeObject = { metadata: { name: 'y' }, spec: { containers: [], tolerations: [{ operator: 'Exists' }] } };
    applyDefaults(info('', 'pods'), all);
    expect((all.spec as { tolerations: unknown[] }).tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('deployments: replicas, strategy, history, deadline and template defaults (without pod-only ones)', () => {
    const d: KubeObject = {
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } },
    };
    applyDefaults(info('apps', 'deployments'), d);
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        spec: {
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
          containers: [{ imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log' }],
        },
      },
    });
    const tmpl = (d.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(tmpl.tolerations).toBeUndefined();
    expect(tmpl.enableServiceLinks).toBeUndefined();
    const recreate: KubeObject = { metadata: { name: 'r' }, spec: { strategy: { type: 'Recreate' }, selector: {}, template: { spec: { containers: [] } } } };
    applyDefaults(info('apps', 'deployments'), recreate);
    expect((recreate.spec as { strategy: unknown }).strategy).toEqual({ type: 'Recreate' });
  });

  it('replicasets, services, namespaces, nodes', () => {
    const rs: KubeObject = { metadata: { name: 'r' }, spec: { selector: {}, template: { spec: { containers: [] } } } };
    applyDefaults(info('apps', 'replicasets'), rs);
    expect((rs.spec as { replicas: number }).replicas).toBe(1);

    const svc: KubeObject = { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] } };
    applyDefaults(info('', 'services'), svc);
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }],
    });

    const ns: KubeObject = { metadata: { name: 'team' } };
    applyDefaults(info('', 'namespaces'), ns);
    expect(ns).toEqual({ metadata: { name: 'team' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });

    const node: KubeObject = { metadata: { name: 'n' }, status: { capacity: { cpu: '2', memory: '4Gi' } } };
    applyDefaults(info('', 'nodes'), node);
    expect((node.status as { allocatable: unknown }).allocatable).toEqual({ cpu: '2', memory: '4Gi' });

    const lease: KubeObject = { metadata: { name: 'l' }, spec: { holderIdentity: 'x' } };
    applyDefaults(info('coordination.k8s.io', 'leases'), lease);
    expect(lease).toEqual({ metadata: { name: 'l' }, spec: { holderIdentity: 'x' } });
  });
});
