// Watch on a real etcd: initial ADDED events, resume from a resourceVersion, 410 after compaction,
// bookmarks, timeoutSeconds, selectors (objects leaving/entering the selection), many watchers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { pod, request, watch } from './api-helper.js';
import { EtcdStore } from '../../apiserver/storage/etcd-store.js';

let s: TestApiServer;
let u: string;
const PODS = '/api/v1/namespaces/default/pods';

beforeAll(async () => {
  s = await startTestApiServer({ insecure: true, bookmarkIntervalMs: 200 });
  u = s.insecureUrl!;
});
afterAll(async () => {
  await s?.stop();
});

async function setLabel(name: string, value: string | null): Promise<void> {
  const live = (await request(u, `${PODS}/${name}`)).body;
  live.metadata.labels = value === null ? {} : { sel: value };
  const r = await request(u, `${PODS}/${name}`, { method: 'PUT', body: live });
  expect(r.status).toBe(200);
}

describe('watch', () => {
  it('without a resourceVersion sends current objects as ADDED, then changes', async () => {
    await request(u, PODS, { method: 'POST', body: pod('w-initial') });
    const w = await watch(u, `${PODS}?watch=true&fieldSelector=metadata.name%3Dw-initial`);
    try {
      expect(w.status).toBe(200);
      await w.waitFor(1);
      expect(w.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w-initial' } } });
      await setLabel('w-initial', 'x');
      await w.waitFor(2);
      expect(w.events[1].type).toBe('MODIFIED');
      await request(u, `${PODS}/w-initial`, { method: 'DELETE' });
      await w.waitFor(3);
      expect(w.events[2].type).toBe('DELETED');
      expect(Number(w.events[2].object.metadata.resourceVersion)).toBeGreaterThan(Number(w.events[1].object.metadata.resourceVersion));
    } finally {
      w.stop();
    }
  });

  it('resumes from a resourceVersion with exactly the later events', async () => {
    const a = await request(u, PODS, { method: 'POST', body: pod('w-r1') });
    const rv = a.body.metadata.resourceVersion;
    await request(u, PODS, { method: 'POST', body: pod('w-r2') });
    await request(u, PODS, { method: 'POST', body: pod('w-r3') });
    const w = await watch(u, `${PODS}?watch=true&resourceVersion=${rv}`);
    try {
      const evs = await w.waitFor(2);
      expect(evs.slice(0, 2).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w-r2', 'ADDED w-r3']);
    } finally {
      w.stop();
    }
  });

  it('an object leaving the selector is DELETED, entering is ADDED', async () => {
    await request(u, PODS, { method: 'POST', body: { ...pod('w-sel'), metadata: { name: 'w-sel', labels: { sel: 'yes' } } } });
    const list = await request(u, `${PODS}?labelSelector=sel%3Dyes`);
    const w = await watch(u, `${PODS}?watch=true&labelSelector=sel%3Dyes&resourceVersion=${list.body.metadata.resourceVersion}`);
    try {
      await setLabel('w-sel', 'no');
      await w.waitFor(1);
      expect(w.events[0]).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'w-sel', labels: { sel: 'no' } } } });
      await setLabel('w-sel', 'yes');
      await w.waitFor(2);
      expect(w.events[1].type).toBe('ADDED');
      await setLabel('w-sel', 'yes-still');
      await setLabel('w-sel', 'yes');
      await w.waitFor(4);
      expect(w.events.slice(2).map((e) => e.type)).toEqual(['DELETED', 'ADDED']);
    } finally {
      w.stop();
    }
  });

  it('sends BOOKMARKs when asked', async () => {
    const list = await request(u, PODS);
    const w = await watch(u, `${PODS}?watch=true&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    try {
      await w.waitFor(1, 5000);
      const b = w.events.find((e) => e.type === 'BOOKMARK');
      expect(b.object.kind).toBe('Pod');
      expect(Number(b.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(list.body.metadata.resourceVersion));
    } finally {
      w.stop();
    }
  });

  it('ends the stream after timeoutSeconds', async () => {
    const w = await watch(u, `${PODS}?watch=true&timeoutSeconds=1&resourceVersion=${(await request(u, PODS)).body.metadata.resourceVersion}`);
    await w.ended;
    expect(w.status).toBe(200);
  });

  it('fans one change out to many watchers', async () => {
    const rv = (await request(u, PODS)).body.metadata.resourceVersion;
    const ws = await Promise.all(Array.from({ length: 20 }, () => watch(u, `${PODS}?watch=true&resourceVersion=${rv}`)));
    try {
      await request(u, PODS, { method: 'POST', body: pod('w-fan') });
      for (const w of ws) {
        const evs = await w.waitFor(1);
        expect(evs[0].object.metadata.name).toBe('w-fan');
      }
      const m = await request(u, '/metrics');
      expect(m.text).toMatch(/apiserver_registered_watchers (2\d)/);
    } finally {
      for (const w of ws) w.stop();
    }
  });

  it('answers 410 Gone (an ERROR event) for a compacted resourceVersion', async () => {
    const first = await request(u, PODS, { method: 'POST', body: pod('w-old') });
    const oldRv = Number(first.body.metadata.resourceVersion);
    await setLabel('w-old', 'a');
    const last = await request(u, PODS, { method: 'POST', body: pod('w-new') });
    const store = new EtcdStore([s.etcd.endpoint]);
    try {
      await store.compact(Number(last.body.metadata.resourceVersion));
    } finally {
      await store.close();
    }
    const w = await watch(u, `${PODS}?watch=true&resourceVersion=${oldRv}`);
    try {
      await w.waitFor(1);
      expect(w.events[0].type).toBe('ERROR');
      expect(w.events[0].object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
      expect(w.events[0].object.message).toContain('too old resource version');
    } finally {
      w.stop();
    }
  });

  it('a Table watch sends rows, with column definitions only first', async () => {
    const rv = (await request(u, PODS)).body.metadata.resourceVersion;
    const w = await watch(u, `${PODS}?watch=true&resourceVersion=${rv}`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    try {
      await request(u, PODS, { method: 'POST', body: pod('w-tab1') });
      await request(u, PODS, { method: 'POST', body: pod('w-tab2') });
      await w.waitFor(2);
      expect(w.events[0].object.kind).toBe('Table');
      expect(w.events[0].object.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
      expect(w.events[0].object.rows[0].cells[0]).toBe('w-tab1');
      expect(w.events[1].object.columnDefinitions).toEqual([]);
    } finally {
      w.stop();
    }
  });
});
