// The client against a real apiserver on a real etcd: CRUD, errors, patches, watch, informer
// relist after compaction (410), leader election handover, event aggregation.
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, WatchEvent } from '../../api/types/meta.js';
import { ApiError } from '../../client/api-error.js';
import { createEventRecorder, type EventObject } from '../../client/events.js';
import { createInformer } from '../../client/informer.js';
import { runLeaderElection, type LeaseObject } from '../../client/leader-election.js';
import { ApiClient } from '../../client/rest-client.js';
import type { ResourceClient, Watch, WatchOptions } from '../../client/types.js';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';

let srv: TestApiServer;
let api: ApiClient;

beforeAll(async () => {
  srv = await startTestApiServer();
  api = new ApiClient(srv.clientConfig);
});

afterAll(async () => {
  api?.close();
  await srv?.stop();
});

function pod(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  };
}

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('REST client', () => {
  it('creates, gets, lists, updates, patches and deletes', async () => {
    const pods = api.resource('pods');
    const created = await pods.create('default', pod('crud-a', { app: 'x' }));
    expect(created.metadata.uid).toBeTruthy();
    expect((await pods.get('default', 'crud-a')).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    await pods.create('default', pod('crud-b', { app: 'y' }));

    const list = await pods.list('default', { labelSelector: 'app=x' });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['crud-a']);
    expect(list.items[0].kind).toBe('Pod');

    const updated = await pods.update('default', { ...created, metadata: { ...created.metadata, labels: { app: 'x', v: '2' } } });
    expect(updated.metadata.labels).toEqual({ app: 'x', v: '2' });

    const merged = await pods.patch('default', 'crud-a', { metadata: { labels: { v: null, m: '1' } } }, 'merge');
    expect(merged.metadata.labels).toEqual({ app: 'x', m: '1' });
    const jsonPatched = await pods.patch('default', 'crud-a', [{ op: 'add', path: '/metadata/labels/j', value: '1' }], 'json');
    expect(jsonPatched.metadata.labels?.j).toBe('1');
    const smp = await pods.patch('default', 'crud-a', { spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } }, 'strategic');
    expect((smp.spec as { containers: { image: string }[] }).containers[0].image).toBe('busybox:1.36');

    await pods.delete('default', 'crud-a');
    await pods.delete('default', 'crud-b');
    await expect(pods.get('default', 'crud-a')).rejects.toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "crud-a" not found' });
  });

  it('turns the server Status into ApiError (conflict, already exists, invalid)', async () => {
    const pods = api.resource('pods');
    const p = await pods.create('default', pod('err-a'));
    const e1 = await pods.create('default', pod('err-a')).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ApiError);
    expect(e1).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    await pods.update('default', { ...p, metadata: { ...p.metadata, labels: { a: 'b' } } });
    const e2 = await pods.update('default', { ...p, metadata: { ...p.metadata, labels: { a: 'c' } } }).catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 409, reason: 'Conflict' });
    const bad = pod('err-b');
    (bad.spec as { containers: { image?: string }[] }).containers[0].image = '';
    const e3 = (await pods.create('default', bad).catch((e: unknown) => e)) as ApiError;
    expect(e3.code).toBe(422);
    expect(e3.status.details?.causes?.some((c) => c.field === 'spec.containers[0].image')).toBe(true);
    await pods.delete('default', 'err-a');
  });

  it('server-side apply creates and updates with a field manager', async () => {
    const deploys = api.resource('deployments');
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ssa', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'ssa' } },
        template: { metadata: { labels: { app: 'ssa' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    };
    const a = await deploys.patch('default', 'ssa', d, 'apply', { fieldManager: 'test' });
    expect(a.metadata.uid).toBeTruthy();
    const b = await deploys.patch('default', 'ssa', { ...d, spec: { ...d.spec, replicas: 2 } }, 'apply', { fieldManager: 'test' });
    expect((b.spec as { replicas: number }).replicas).toBe(2);
    const scale = (await deploys.getSubresource('default', 'ssa', 'scale')) as { spec: { replicas: number } };
    expect(scale.spec.replicas).toBe(2);
    await deploys.delete('default', 'ssa');
  });

  it('watches from a resourceVersion and ends cleanly on stop()', async () => {
    const pods = api.resource('pods');
    const list = await pods.list('default');
    const events: WatchEvent[] = [];
    const w = pods.watch('default', { resourceVersion: list.metadata.resourceVersion }, (e) => events.push(e));
    await pods.create('default', pod('w-a'));
    await pods.patch('default', 'w-a', { metadata: { labels: { x: '1' } } }, 'merge');
    await pods.delete('default', 'w-a');
    await until(() => events.length >= 3, 'three events');
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w-a', 'MODIFIED w-a', 'DELETED w-a']);
    w.stop();
    await expect(w.done).resolves.toBeUndefined();
  });

  it('many concurrent requests reuse pooled connections', async () => {
    const pods = api.resource('pods');
    const results = await Promise.all(Array.from({ length: 200 }, () => pods.list('default', { limit: 1 })));
    expect(results).toHaveLength(200);
  });

  it('rejects a wrong token with 401', async () => {
    const bad = new ApiClient({ ...srv.clientConfig, token: 'wrong' });
    try {
      await expect(bad.resource('pods').list('default')).rejects.toMatchObject({ code: 401 });
    } finally {
      bad.close();
    }
  });
});

/** Wraps a ResourceClient so the test can hold back watches (as a network partition would). */
function gatedWatches<T extends KubeObject>(inner: ResourceClient<T>): { client: ResourceClient<T>; release(): void; rvs: string[] } {
  let open: () => void = () => undefined;
  let gate = new Promise<void>((r) => (open = r));
  const rvs: string[] = [];
  const client: ResourceClient<T> = Object.create(inner) as ResourceClient<T>;
  client.list = (ns, o) => inner.list(ns, o);
  client.watch = (ns: string | undefined, o: WatchOptions, onEvent: (e: WatchEvent<T>) => void): Watch => {
    rvs.push(o.resourceVersion ?? '');
    let real: Watch | undefined;
    let stopped = false;
    const done = gate.then(() => {
      if (stopped) return;
      real = inner.watch(ns, o, onEvent);
      return real.done;
    });
    done.catch(() => undefined);
    return {
      stop: () => {
        stopped = true;
        real?.stop();
      },
      done,
    };
  };
  return {
    client,
    rvs,
    release: () => {
      open();
      gate = Promise.resolve();
    },
  };
}

describe('informer against the apiserver', () => {
  it('relists after 410 Gone (etcd compacted) and converges', async () => {
    const leases = api.resource<LeaseObject>('leases');
    const mk = (name: string, holder: string): LeaseObject => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'default' },
      spec: { holderIdentity: holder },
    });
    await leases.create('default', mk('inf-keep', 'a'));
    await leases.create('default', mk('inf-change', 'a'));
    await leases.create('default', mk('inf-gone', 'a'));
    const gated = gatedWatches(leases);
    const inf = createInformer(gated.client, { namespace: 'default' });
    const seen = new Map<string, string>();
    inf.addHandlers({
      add: (o) => seen.set(o.metadata.name!, o.spec?.holderIdentity ?? ''),
      update: (_o, n) => seen.set(n.metadata.name!, n.spec?.holderIdentity ?? ''),
      delete: (o) => seen.delete(o.metadata.name!),
    });
    await inf.start();
    try {
      expect([...seen.keys()].sort()).toEqual(['inf-change', 'inf-gone', 'inf-keep']);
      // changes the informer cannot see, then compaction removes their history
      const cur = await leases.get('default', 'inf-change');
      await leases.update('default', { ...cur, spec: { holderIdentity: 'b' } });
      await leases.delete('default', 'inf-gone');
      const last = await leases.create('default', mk('inf-new', 'c'));
      const etcd = new Etcd3({ hosts: srv.etcd.endpoint });
      try {
        await etcd.kv.compact({ revision: last.metadata.resourceVersion!, physical: true });
      } finally {
        etcd.close();
      }
      gated.release();
      await until(() => seen.has('inf-new') && !seen.has('inf-gone') && seen.get('inf-change') === 'b', 'the informer to converge');
      expect(Object.fromEntries(seen)).toEqual({ 'inf-keep': 'a', 'inf-change': 'b', 'inf-new': 'c' });
      await until(() => gated.rvs.length >= 2, 'the watch after the relist');
      expect(Number(gated.rvs.at(-1))).toBeGreaterThanOrEqual(Number(last.metadata.resourceVersion));
      // and it keeps watching
      await leases.create('default', mk('inf-after', 'd'));
      await until(() => seen.get('inf-after') === 'd', 'a live event after the relist');
    } finally {
      inf.stop();
    }
  });
});

describe('leader election', () => {
  it('one candidate leads; the other takes over when the leader stops renewing', async () => {
    const leases = api.resource<LeaseObject>('leases');
    const log: string[] = [];
    const timing = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };
    let aSignal: AbortSignal | undefined;
    // `a` renews through a client that we can cut off, to simulate a hung leader
    let cutOff = false;
    const aClient: ResourceClient<LeaseObject> = Object.create(leases) as ResourceClient<LeaseObject>;
    aClient.get = (ns, n) => (cutOff ? Promise.reject(new Error('network down')) : leases.get(ns, n));
    aClient.update = (ns, o, w) => (cutOff ? Promise.reject(new Error('network down')) : leases.update(ns, o, w));
    aClient.create = (ns, o, w) => (cutOff ? Promise.reject(new Error('network down')) : leases.create(ns, o, w));
    const a = runLeaderElection({
      client: aClient,
      namespace: 'kube-system',
      name: 'le-test',
      identity: 'a',
      ...timing,
      onStartedLeading: (s) => {
        aSignal = s;
        log.push('a started');
      },
      onStoppedLeading: () => {
        log.push('a stopped');
      },
    });
    await until(() => a.isLeader(), 'a to lead');
    const b = runLeaderElection({
      client: leases,
      namespace: 'kube-system',
      name: 'le-test',
      identity: 'b',
      ...timing,
      onStartedLeading: () => {
        log.push('b started');
      },
      onStoppedLeading: () => {
        log.push('b stopped');
      },
    });
    try {
      await new Promise((r) => setTimeout(r, 2000));
      expect(b.isLeader()).toBe(false);
      const held = await leases.get('kube-system', 'le-test');
      expect(held.spec?.holderIdentity).toBe('a');
      expect(held.spec?.renewTime).toMatch(/\.\d{6}Z$/);
      cutOff = true;
      await until(() => b.isLeader(), 'b to take over', 10_000);
      expect(aSignal?.aborted).toBe(true);
      expect(log).toEqual(['a started', 'a stopped', 'b started']);
      const after = await leases.get('kube-system', 'le-test');
      expect(after.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    } finally {
      await a.stop();
      await b.stop();
    }
    const released = await leases.get('kube-system', 'le-test');
    expect(released.spec?.holderIdentity).toBe('');
  });

  it('stop() releases the lease so another candidate takes it at once', async () => {
    const leases = api.resource<LeaseObject>('leases');
    const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 200 };
    const a = runLeaderElection({ client: leases, name: 'le-release', identity: 'a', ...timing, onStartedLeading: () => undefined });
    await until(() => a.isLeader(), 'a to lead');
    const b = runLeaderElection({ client: leases, name: 'le-release', identity: 'b', ...timing, onStartedLeading: () => undefined });
    try {
      await a.stop();
      await until(() => b.isLeader(), 'b to lead well within the 15 s lease', 5_000);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe('event recorder', () => {
  it('creates an Event and aggregates repeats into count', async () => {
    const p = await api.resource('pods').create('default', pod('ev-pod'));
    const rec = createEventRecorder(api, { component: 'skiff-test', host: 'node-1' });
    await rec.record(p, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await rec.record(p, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await rec.record(p, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await rec.record(p, 'Normal', 'Pulled', 'Container image "busybox" already present on machine');
    const events = await api.resource<EventObject>('events').list('default', { fieldSelector: 'involvedObject.name=ev-pod' });
    const byReason = Object.fromEntries(events.items.map((e) => [e.reason, e]));
    expect(events.items).toHaveLength(2);
    expect(byReason.BackOff.count).toBe(3);
    expect(byReason.BackOff.involvedObject).toMatchObject({ kind: 'Pod', name: 'ev-pod', uid: p.metadata.uid });
    expect(byReason.BackOff.source).toEqual({ component: 'skiff-test', host: 'node-1' });
    expect(byReason.Pulled.count).toBe(1);
    await api.resource('pods').delete('default', 'ev-pod');
  });
});
