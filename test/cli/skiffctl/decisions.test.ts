import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../api/types/apps.js';
import type { Pod } from '../../../api/types/core.js';
import { planDrain } from '../../../cli/skiffctl/drain-plan.js';
import { lastApplied, LAST_APPLIED_ANNOTATION, withLastApplied } from '../../../cli/skiffctl/last-applied.js';
import { parseResourceArgs, ResourceArgError } from '../../../cli/skiffctl/resource-args.js';
import { ownedRevisions, undoTarget } from '../../../cli/skiffctl/rollout-history.js';
import { deploymentRolloutStatus } from '../../../cli/skiffctl/rollout-status.js';
import { splitCommand } from '../../../cli/skiffctl.js';
import { parseManifests } from '../../../cli/skiffctl/manifest-reader.js';

describe('resource arguments', () => {
  it('resolves names, short names, TYPE/NAME and lists of types', () => {
    expect(parseResourceArgs(['po', 'a', 'b']).map((s) => [s.info.resource, s.names])).toEqual([['pods', ['a', 'b']]]);
    expect(parseResourceArgs(['deploy/web', 'pod/x', 'deployments.apps/api']).map((s) => [s.info.resource, s.names])).toEqual([
      ['deployments', ['web', 'api']],
      ['pods', ['x']],
    ]);
    expect(parseResourceArgs(['no,ns']).map((s) => s.info.resource)).toEqual(['nodes', 'namespaces']);
    expect(parseResourceArgs(['all']).map((s) => s.info.resource).sort()).toEqual(['deployments', 'pods', 'replicasets', 'services']);
    expect(() => parseResourceArgs(['widgets'])).toThrow(ResourceArgError);
    expect(() => parseResourceArgs(['pods,deploy', 'x'])).toThrow(/only one resource type/);
  });

  it('finds the subcommand among global flags', () => {
    expect(splitCommand(['-n', 'kube-system', 'get', 'pods'])).toEqual({ name: 'get', rest: ['-n', 'kube-system', 'pods'] });
    expect(splitCommand(['--kubeconfig=/k', '-A', 'get'])).toEqual({ name: 'get', rest: ['--kubeconfig=/k', '-A'] });
  });
});

describe('manifests', () => {
  it('splits documents, expands Lists, skips empty ones, names the source in errors', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\n{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}]}\n';
    expect(parseManifests(text, 'f.yaml').map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(() => parseManifests('metadata: {name: a}\n', 'f.yaml')).toThrow('kind not set in f.yaml');
    expect(() => parseManifests('a: [\n', 'f.yaml')).toThrow(/error parsing f.yaml/);
  });
});

describe('last-applied annotation', () => {
  it('records the manifest as kubectl does (sorted JSON, namespace, empty annotations map)', () => {
    const m = withLastApplied({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [] } }, 'default');
    expect(m.metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toBe(
      '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"labels":{"a":"1"},"name":"p","namespace":"default"},"spec":{"containers":[]}}\n',
    );
    expect(lastApplied(m)?.metadata.name).toBe('p');
    // re-applying an object that carries the annotation does not nest it
    expect(withLastApplied(m, 'default').metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toBe(m.metadata.annotations?.[LAST_APPLIED_ANNOTATION]);
  });
});

describe('drain plan', () => {
  const pod = (name: string, extra: Partial<Pod> & { owner?: string; phase?: Pod['status'] extends infer S ? S extends { phase?: infer P } ? P : never : never } = {}): Pod => ({
    metadata: {
      name,
      namespace: 'default',
      ownerReferences: extra.owner ? [{ apiVersion: 'apps/v1', kind: extra.owner, name: 'o', uid: 'u', controller: true }] : undefined,
      annotations: extra.metadata?.annotations,
    },
    spec: { containers: [], ...extra.spec },
    status: { phase: extra.phase ?? 'Running' },
  });
  const opts = { force: false, ignoreDaemonsets: false, deleteEmptyDirData: false };

  it('deletes controlled pods, refuses bare, DaemonSet and emptyDir pods without the flags', () => {
    const pods = [pod('rs', { owner: 'ReplicaSet' }), pod('bare'), pod('ds', { owner: 'DaemonSet' }), pod('data', { owner: 'ReplicaSet', spec: { containers: [], volumes: [{ name: 'v', emptyDir: {} }] } })];
    const p = planDrain(pods, opts);
    expect(p.errors).toHaveLength(3);
    const forced = planDrain(pods, { force: true, ignoreDaemonsets: true, deleteEmptyDirData: true });
    expect(forced.errors).toEqual([]);
    expect(forced.delete.map((x) => x.metadata.name)).toEqual(['rs', 'bare', 'data']);
    expect(forced.warnings).toEqual(['ignoring DaemonSet-managed Pods: default/ds', 'deleting Pods that declare no controller: default/bare']);
  });

  it('leaves mirror pods and deletes finished bare pods without --force', () => {
    const p = planDrain([pod('mirror', { metadata: { annotations: { 'kubernetes.io/config.mirror': 'x' } } }), pod('done', { phase: 'Succeeded' })], opts);
    expect(p.errors).toEqual([]);
    expect(p.delete.map((x) => x.metadata.name)).toEqual(['done']);
  });
});

describe('rollout', () => {
  const d = (gen: number, status: Deployment['status'], replicas = 2): Deployment => ({ metadata: { name: 'web', generation: gen, uid: 'd1' }, spec: { replicas, selector: {}, template: { spec: { containers: [] } } }, status });
  it('status messages follow kubectl', () => {
    expect(deploymentRolloutStatus(d(2, { observedGeneration: 1 })).message).toBe('Waiting for deployment spec update to be observed...');
    expect(deploymentRolloutStatus(d(1, { observedGeneration: 1, updatedReplicas: 1 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
    );
    expect(deploymentRolloutStatus(d(1, { observedGeneration: 1, updatedReplicas: 2, replicas: 3 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    );
    expect(deploymentRolloutStatus(d(1, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...',
    );
    expect(deploymentRolloutStatus(d(1, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }))).toEqual({
      message: 'deployment "web" successfully rolled out',
      done: true,
    });
    expect(deploymentRolloutStatus(d(1, { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] })).error).toBe(
      'deployment "web" exceeded its progress deadline',
    );
  });

  it('undo picks the previous revision or the one asked for', () => {
    const rs = (rev: number, owner = 'd1') => ({
      metadata: { name: `r${rev}`, annotations: { 'deployment.kubernetes.io/revision': String(rev) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner, controller: true }] },
      spec: { selector: {} },
    });
    const revs = ownedRevisions(d(1, {}), [rs(3), rs(1), rs(2), rs(9, 'other')]);
    expect(revs.map((r) => r.revision)).toEqual([1, 2, 3]);
    expect((undoTarget(revs, 0) as { revision: number }).revision).toBe(2);
    expect((undoTarget(revs, 1) as { revision: number }).revision).toBe(1);
    expect(undoTarget(revs, 7)).toEqual({ error: 'unable to find specified revision 7 in history' });
    expect(undoTarget(revs.slice(0, 1), 0)).toEqual({ error: 'no rollout history found' });
  });
});
