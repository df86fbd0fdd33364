import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types/meta.js';
import { createInformer } from '../../client/informer.js';
import { diffList, objectKey } from '../../client/object-store.js';
import { FakeResourceClient } from './fake-resource-client.js';

function pod(name: string, extra: { ns?: string; node?: string; uid?: string; rv?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: extra.ns ?? 'default', uid: extra.uid ?? `uid-${name}`, resourceVersion: extra.rv },
    spec: extra.node ? { nodeName: extra.node } : {},
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Applies the handler calls to a map: what a handler-driven consumer believes. */
function mirror(): { seen: Map<string, KubeObject>; log: string[]; handlers: Parameters<ReturnType<typeof createInformer>['addHandlers']>[0] } {
  const seen = new Map<string, KubeObject>();
  const log: string[] = [];
  return {
    seen,
    log,
    handlers: {
      add: (o) => {
        log.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`);
        seen.set(objectKey(o), o);
      },
      update: (_old, o) => {
        log.push(`update ${o.metadata.name}@${o.metadata.resourceVersion}`);
        seen.set(objectKey(o), o);
      },
      delete: (o) => {
        log.push(`delete ${o.metadata.name}`);
        seen.delete(objectKey(o));
      },
    },
  };
}

describe('diffList', () => {
  it('finds adds, changed resourceVersions, re-created uids and deletes', () => {
    const cached = new Map([
      ['default/a', pod('a', { rv: '1' })],
      ['default/b', pod('b', { rv: '2' })],
      ['default/c', pod('c', { rv: '3' })],
      ['default/d', pod('d', { rv: '4' })],
    ]);
    const d = diffList(cached, [pod('a', { rv: '1' }), pod('b', { rv: '9' }), pod('d', { rv: '10', uid: 'new' }), pod('e', { rv: '11' })]);
    expect(d.adds.map((o) => o.metadata.name)).toEqual(['d', 'e']);
    expect(d.updates.map((u) => [u.oldObj.metadata.resourceVersion, u.newObj.metadata.resourceVersion])).toEqual([['2', '9']]);
    expect(d.deletes.map((o) => o.metadata.name)).toEqual(['d', 'c']);
  });
});

describe('informer', () => {
  it('lists in pages of 500, then watches from the list resourceVersion with bookmarks', async () => {
    const fake = new FakeResourceClient();
    for (let i = 0; i < 1203; i++) fake.put(pod(`p${String(i).padStart(4, '0')}`));
    const inf = createInformer(fake);
    const m = mirror();
    inf.addHandlers(m.handlers);
    await inf.start();
    try {
      expect(inf.hasSynced()).toBe(true);
      expect(fake.listCalls).toBe(3);
      expect(inf.list()).toHaveLength(1203);
      expect(m.seen.size).toBe(1203);
      await until(() => fake.watchCalls.length === 1, 'the watch');
      expect(fake.watchCalls[0].resourceVersion).toBe(String(fake.rev));
      expect(fake.watchCalls[0].allowWatchBookmarks).toBe(true);
    } finally {
      inf.stop();
    }
  });

  it('delivers watch events in order and keeps the indexes current', async () => {
    const fake = new FakeResourceClient();
    fake.put(pod('a', { node: 'n1' }));
    const inf = createInformer(fake);
    const m = mirror();
    inf.addHandlers(m.handlers);
    await inf.start();
    try {
      await until(() => fake.watches.size === 1, 'the watch');
      fake.put(pod('b', { ns: 'other', node: 'n1' }));
      fake.put(pod('a', { node: 'n2' }));
      fake.remove('other', 'b');
      await until(() => m.log.length === 4, 'four handler calls');
      expect(m.log).toEqual(['add a@2', 'add b@3', 'update a@4', 'delete b']);
      expect(inf.byIndex('nodeName', 'n1')).toEqual([]);
      expect(inf.byIndex('nodeName', 'n2').map((o) => o.metadata.name)).toEqual(['a']);
      expect(inf.byIndex('namespace', 'other')).toEqual([]);
      expect(inf.get('default/a')?.metadata.resourceVersion).toBe('4');
      expect(inf.lastResourceVersion()).toBe('5');
    } finally {
      inf.stop();
    }
  });

  it('re-watches from the last seen resourceVersion when the stream ends, without relisting', async () => {
    const fake = new FakeResourceClient();
    fake.put(pod('a'));
    const inf = createInformer(fake);
    const m = mirror();
    inf.addHandlers(m.handlers);
    await inf.start();
    try {
      await until(() => fake.watches.size === 1, 'the watch');
      fake.put(pod('b'));
      fake.endWatches();
      fake.put(pod('c')); // happens while no watch is open: must be replayed from the log
      await until(() => fake.watchCalls.length === 2 && m.seen.size === 3, 'the second watch');
      expect(fake.watchCalls[1].resourceVersion).toBe('3');
      expect(fake.listCalls).toBe(1);
      expect(m.log).toEqual(['add a@2', 'add b@3', 'add c@4']);
    } finally {
      inf.stop();
    }
  });

  it('relists on 410 Gone and delivers the difference so handlers converge', async () => {
    const fake = new FakeResourceClient();
    fake.put(pod('keep'));
    fake.put(pod('change'));
    fake.put(pod('gone'));
    const inf = createInformer(fake);
    const m = mirror();
    inf.addHandlers(m.handlers);
    await inf.start();
    try {
      await until(() => fake.watches.size === 1, 'the watch');
      // the informer misses these changes (its watch is closed), then etcd compacts them away
      const watchers = [...fake.watches];
      for (const w of watchers) fake.watches.delete(w);
      fake.put(pod('change'));
      fake.remove('default', 'gone');
      fake.put(pod('new'));
      fake.compact();
      for (const w of watchers) w.end();
      await until(() => fake.listCalls === 2 && m.seen.has('default/new'), 'the relist');
      expect([...m.seen.keys()].sort()).toEqual(['default/change', 'default/keep', 'default/new']);
      expect(m.seen.get('default/change')?.metadata.resourceVersion).toBe(fake.objects.get('default/change')?.metadata.resourceVersion);
      expect(m.log.slice(3)).toEqual(['delete gone', 'add new@7', 'update change@5']);
      await until(() => fake.watchCalls.length >= 3, 'the watch after the relist');
      expect(fake.watchCalls.at(-1)?.resourceVersion).toBe('7');
    } finally {
      inf.stop();
    }
  });

  it('resyncs every cached object as an update', async () => {
    const fake = new FakeResourceClient();
    fake.put(pod('a'));
    fake.put(pod('b'));
    const inf = createInformer(fake, { resyncMs: 20 });
    const updates: string[] = [];
    inf.addHandlers({ update: (o, n) => o === n && updates.push(n.metadata.name!) });
    await inf.start();
    try {
      await until(() => updates.length >= 4, 'two resyncs');
      expect(new Set(updates)).toEqual(new Set(['a', 'b']));
    } finally {
      inf.stop();
    }
  });

  it('replays the cache as adds to handlers added after sync', async () => {
    const fake = new FakeResourceClient();
    fake.put(pod('a'));
    const inf = createInformer(fake);
    await inf.start();
    try {
      const added: string[] = [];
      inf.addHandlers({ add: (o) => added.push(o.metadata.name!) });
      expect(added).toEqual(['a']);
    } finally {
      inf.stop();
    }
  });
});
