import { describe, expect, it } from 'vitest';
import { validateObject } from '../../api/validation/index.js';
import { applyDefaults } from '../../api/defaults.js';
import { formatFieldError } from '../../api/field-errors.js';
import { findByResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';

const pods = findByResource('', 'pods')!;
const deployments = findByResource('apps', 'deployments')!;
const replicasets = findByResource('apps', 'replicasets')!;
const services = findByResource('', 'services')!;
const namespaces = findByResource('', 'namespaces')!;
const leases = findByResource('coordination.k8s.io', 'leases')!;
const nodes = findByResource('', 'nodes')!;

function pod(spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nginx', namespace: 'default', ...meta },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }], ...spec },
  };
}

function errors(info: typeof pods, obj: KubeObject, old?: KubeObject): string[] {
  applyDefaults(info, obj);
  if (old) applyDefaults(info, old);
  return validateObject(info, obj, old).map(formatFieldError);
}

function deployment(spec: Record<string, unknown> = {}, templateLabels: Record<string, string> = { app: 'web' }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: templateLabels }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      ...spec,
    },
  };
}

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('pod validation', () => {
  it('a plain pod is valid', () => {
    expect(errors(pods, pod())).toEqual([]);
  });

  it.each<[string, KubeObject, string[]]>([
    ['missing image', pod({ containers: [{ name: 'nginx' }] }), ['spec.containers[0].image: Required value']],
    ['no containers', pod({ containers: [] }), ['spec.containers: Required value']],
    ['bad name', pod({}, { name: 'Bad_Name' }), [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`]],
    ['no name', pod({}, { name: undefined }), ['metadata.name: Required value: name or generateName is required']],
    ['generateName ok', pod({}, { name: undefined, generateName: 'web-' }), []],
    [
      'duplicate container names across init and app',
      pod({ initContainers: [{ name: 'web', image: 'busybox' }], containers: [{ name: 'web', image: 'nginx' }] }),
      ['spec.containers[0].name: Duplicate value: "web"'],
    ],
    [
      'restartPolicy',
      pod({ restartPolicy: 'Sometimes' }),
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"'],
    ],
    [
      'port range and duplicate names',
      pod({
        containers: [
          { name: 'a', image: 'x', ports: [{ containerPort: 70000, name: 'http' }, { containerPort: 81, name: 'http', protocol: 'ICMP' }] },
        ],
      }),
      [
        'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.containers[0].ports[1].name: Duplicate value: "http"',
        'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    ],
    [
      'requests above limits and bad quantities',
      pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2', memory: 'lots' }, limits: { cpu: '1' } } }] }),
      [
        `spec.containers[0].resources.requests[memory]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
        'spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
      ],
    ],
    [
      'volumes: unique names, exactly one source, mounts name a volume',
      pod({
        volumes: [{ name: 'data', emptyDir: {}, hostPath: { path: '/tmp' } }, { name: 'data', emptyDir: {} }],
        containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'cache', mountPath: '/c' }] }],
      }),
      [
        'spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type',
        'spec.volumes[1].name: Duplicate value: "data"',
        'spec.containers[0].volumeMounts[0].name: Not found: "cache"',
      ],
    ],
    [
      'env names',
      pod({ containers: [{ name: 'a', image: 'x', env: [{ name: '1BAD', value: 'x' }, { value: 'y' }] }] }),
      [
        `spec.containers[0].env[0].name: Invalid value: "1BAD": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
        'spec.containers[0].env[1].name: Required value',
      ],
    ],
    [
      'probes',
      pod({ containers: [{ name: 'a', image: 'x', livenessProbe: { periodSeconds: 5 }, readinessProbe: { httpGet: { port: 0 } } }] }),
      [
        'spec.containers[0].livenessProbe: Required value: must specify a handler type',
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive',
      ],
    ],
    [
      'tolerations',
      pod({ tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }),
      [
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
        "spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
      ],
    ],
    [
      'labels',
      pod({}, { labels: { 'bad key': 'x', ok: '-bad' } }),
      [
        "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        "metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    ['no namespace', pod({}, { namespace: undefined }), ['metadata.namespace: Required value']],
  ])('%s', (_name, obj, want) => {
    expect(errors(pods, obj)).toEqual(want);
  });

  it('update: only images, activeDeadlineSeconds and added tolerations may change', () => {
    const old = pod();
    expect(errors(pods, pod({ containers: [{ name: 'nginx', image: 'nginx:1.26' }] }), old)).toEqual([]);
    const added = pod();
    applyDefaults(pods, added);
    (added.spec as { tolerations: unknown[] }).tolerations.push({ key: 'x', operator: 'Exists' });
    expect(errors(pods, added, pod())).toEqual([]);
    expect(errors(pods, pod({ activeDeadlineSeconds: 30 }), pod())).toEqual([]);
    const changed = errors(pods, pod({ containers: [{ name: 'nginx', image: 'nginx', command: ['sh'] }] }), pod());
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds`/,
    );
    expect(changed[0]).toContain('+  spec.containers[0].command: ["sh"]');
    expect(errors(pods, pod({}, { name: 'other' }), pod())).toEqual(['metadata.name: Invalid value: "other": field is immutable']);
    expect(errors(pods, pod({}, { uid: 'b' }), pod({}, { uid: 'a' }))).toEqual(['metadata.uid: Invalid value: "b": field is immutable']);
  });
});

describe('deployment and replicaset validation', () => {
  it('valid deployment', () => {
    expect(errors(deployments, deployment())).toEqual([]);
  });

  it.each<[string, KubeObject, string[]]>([
    [
      'selector does not match template labels',
      deployment({}, { app: 'db' }),
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: `selector` does not match template `labels`'],
    ],
    ['selector required', deployment({ selector: undefined }), ['spec.selector: Required value']],
    ['empty selector', deployment({ selector: {} }), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']],
    ['negative replicas', deployment({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      'maxSurge and maxUnavailable both 0',
      deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'],
    ],
    [
      'bad percentages',
      deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots', maxUnavailable: '120%' } } }),
      [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"lots\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%',
      ],
    ],
    [
      'template must restart Always',
      deployment({ template: { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'b' }] } } }),
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
  ])('%s', (_n, obj, want) => {
    expect(errors(deployments, obj)).toEqual(want);
  });

  it('selector is immutable on update', () => {
    const old = deployment();
    const next = deployment({ selector: { matchLabels: { app: 'web', v: '2' } } }, { app: 'web', v: '2' });
    expect(errors(deployments, next, old)).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
    ]);
  });

  it('replicasets share the rules', () => {
    const rs: KubeObject = { ...deployment(), kind: 'ReplicaSet' };
    expect(errors(replicasets, rs)).toEqual([]);
    const bad: KubeObject = { ...deployment({}, { app: 'x' }), kind: 'ReplicaSet' };
    expect(errors(replicasets, bad)).toHaveLength(1);
  });
});

describe('other kinds', () => {
  it('services: DNS-1035 names, ports', () => {
    const svc: KubeObject = { metadata: { name: '1web', namespace: 'default' }, spec: { ports: [{ port: 80 }, { port: 0, name: 'b' }] } };
    const errs = errors(services, svc);
    expect(errs[0]).toMatch(/^metadata.name: Invalid value: "1web": a DNS-1035 label must consist/);
    expect(errs).toContain('spec.ports[0].name: Required value');
    expect(errs).toContain('spec.ports[1].port: Required value');
  });

  it('namespaces use DNS-1123 labels and are cluster-scoped', () => {
    expect(errors(namespaces, { metadata: { name: 'team-a' } })).toEqual([]);
    expect(errors(namespaces, { metadata: { name: 'a.b' } })[0]).toMatch(/^metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label/);
    expect(errors(namespaces, { metadata: { name: 'a', namespace: 'x' } })).toEqual(['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('leases and nodes', () => {
    expect(errors(leases, { metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { leaseDurationSeconds: 0 } })).toEqual([
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    ]);
    expect(errors(nodes, { metadata: { name: 'n1' }, spec: { taints: [{ key: 'a', effect: 'Sometimes' }] } })).toEqual([
      'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
    ]);
  });
});
