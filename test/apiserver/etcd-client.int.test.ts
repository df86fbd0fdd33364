// The lean etcd client against a real etcd: transactions, ranges, compaction, watches, and etcd
// going away and coming back on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient, EtcdCompactedError, isCompactedError } from '../../apiserver/storage/etcd/etcd-client.js';
import type { WatchEvent } from '../../apiserver/storage/etcd/etcd-watch-messages.js';
import { resumingWatch } from '../../apiserver/storage/etcd/resuming-watch.js';
import { EtcdStore } from '../../apiserver/storage/etcd-store.js';
import { etcdArgs, freePort } from '../../apiserver/storage/managed-etcd.js';
import { startEtcd, type TestEtcd } from '../fixtures/etcd.js';

const clients: EtcdClient[] = [];
function client(endpoint: string, opts: { callTimeoutMs?: number } = {}): EtcdClient {
  const c = new EtcdClient({ endpoints: [endpoint], ...opts });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function put(c: EtcdClient, key: string, value: string) {
  return c.txn({ compare: [], success: [{ put: { key, value } }], failure: [] });
}

/** events of a watch, collected; resolves `until` once n have arrived */
function collector() {
  const events: { type: string; key: string; value: string; prev?: string; mod: number; header: number }[] = [];
  const errors: Error[] = [];
  let wake: (() => void) | undefined;
  return {
    events,
    errors,
    handlers: {
      onEvents: (evs: WatchEvent[], header: number) => {
        for (const e of evs) events.push({ type: e.type, key: e.kv.key.toString(), value: e.kv.value.toString(), prev: e.prevKv?.value.toString(), mod: e.kv.modRevision, header });
        wake?.();
      },
      onError: (e: Error) => {
        errors.push(e);
        wake?.();
      },
    },
    async until(pred: () => boolean, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out; events ${JSON.stringify(events)} errors ${errors.map((e) => e.message)}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    },
  };
}

describe('etcd client on a real etcd', () => {
  let etcd: TestEtcd;
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  it('create transaction, then the same create fails its compare', async () => {
    const c = client(etcd.endpoint);
    const create = () => c.txn({
      compare: [{ key: '/t/create', target: 'mod', result: 'equal', modRevision: 0 }],
      success: [{ put: { key: '/t/create', value: 'v1' } }],
      failure: [],
    });
    const first = await create();
    expect(first.succeeded).toBe(true);
    expect(first.header.revision).toBeGreaterThan(1);
    expect(first.responses[0]!.put).toBeDefined();
    const second = await create();
    expect(second.succeeded).toBe(false);
    expect(second.header.revision).toBe(first.header.revision);
  });

  it('compare-and-swap update: the right mod revision wins, a stale one gets the current value', async () => {
    const c = client(etcd.endpoint);
    const rev = (await put(c, '/t/cas', 'a')).header.revision;
    const cas = (expected: number, value: string) => c.txn({
      compare: [{ key: '/t/cas', target: 'mod', result: 'equal', modRevision: expected }],
      success: [{ put: { key: '/t/cas', value } }],
      failure: [{ range: { key: '/t/cas' } }],
    });
    const ok = await cas(rev, 'b');
    expect(ok.succeeded).toBe(true);
    const stale = await cas(rev, 'c');
    expect(stale.succeeded).toBe(false);
    const current = stale.responses[0]!.range!.kvs[0]!;
    expect(current.value.toString()).toBe('b');
    expect(current.modRevision).toBe(ok.header.revision);
    expect(current.createRevision).toBe(rev);
    expect(current.version).toBe(2);
  });

  it('delete with prev_kv returns the deleted value', async () => {
    const c = client(etcd.endpoint);
    await put(c, '/t/del', 'last words');
    const res = await c.txn({
      compare: [{ key: '/t/del', target: 'version', result: 'greater', version: 0 }],
      success: [{ deleteRange: { key: '/t/del', prevKv: true } }],
      failure: [],
    });
    expect(res.succeeded).toBe(true);
    expect(res.responses[0]!.deleteRange!.deleted).toBe(1);
    expect(res.responses[0]!.deleteRange!.prevKvs[0]!.value.toString()).toBe('last words');
    expect((await c.range({ key: '/t/del' })).kvs).toEqual([]);
  });

  it('ranges: limit/more/count, at a revision, keys_only, count_only, min_mod_revision', async () => {
    const c = client(etcd.endpoint);
    const revs: number[] = [];
    for (let i = 0; i < 5; i++) revs.push((await put(c, `/r/k${i}`, `v${i}`)).header.revision);
    await put(c, '/r/k0', 'changed');
    const page = await c.range({ key: '/r/', rangeEnd: '/r0', limit: 2 });
    expect(page.kvs.map((k) => k.key.toString())).toEqual(['/r/k0', '/r/k1']);
    expect([page.more, page.count]).toEqual([true, 5]);
    const old = await c.range({ key: '/r/k0', revision: revs[0] });
    expect(old.kvs[0]!.value.toString()).toBe('v0');
    const keys = await c.range({ key: '/r/', rangeEnd: '/r0', keysOnly: true });
    expect(keys.kvs.map((k) => [k.key.toString(), k.value.length])).toEqual([0, 1, 2, 3, 4].map((i) => [`/r/k${i}`, 0]));
    const counted = await c.range({ key: '/r/', rangeEnd: '/r0', countOnly: true });
    expect([counted.kvs.length, counted.count]).toEqual([0, 5]);
    const recent = await c.range({ key: '/r/', rangeEnd: '/r0', minModRevision: revs[3]! });
    expect(recent.kvs.map((k) => k.key.toString())).toEqual(['/r/k0', '/r/k3', '/r/k4']);
  });

  it('watch from a revision with prev_kv: PUT and DELETE in order, with header revisions', async () => {
    const c = client(etcd.endpoint);
    const start = (await put(c, '/w/a', 'one')).header.revision;
    await put(c, '/w/a', 'two');
    await c.txn({ compare: [], success: [{ deleteRange: { key: '/w/a' } }], failure: [] });
    await put(c, '/other', 'not watched');
    const col = collector();
    const w = c.watch({ key: '/w/', rangeEnd: '/w0', startRevision: start, prevKv: true }, col.handlers);
    await col.until(() => col.events.length >= 3);
    const later = (await put(c, '/w/b', 'live')).header.revision;
    await col.until(() => col.events.length >= 4);
    w.cancel();
    expect(col.events.map((e) => [e.type, e.key, e.value, e.prev])).toEqual([
      ['put', '/w/a', 'one', undefined],
      ['put', '/w/a', 'two', 'one'],
      ['delete', '/w/a', '', 'two'],
      ['put', '/w/b', 'live', undefined],
    ]);
    expect(col.events[0]!.mod).toBe(start);
    expect(col.events[3]!.mod).toBe(later);
    for (const e of col.events) expect(e.header).toBeGreaterThanOrEqual(e.mod);
    expect(col.errors).toEqual([]);
  });

  it('several endpoints, the first one down: the store works through the next one', async () => {
    const store = new EtcdStore([`http://127.0.0.1:${await freePort()}`, etcd.endpoint]);
    try {
      const created = await store.create('/registry/pods/default/failover', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'failover', namespace: 'default' } });
      expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
      expect((await store.get('/registry/pods/default/failover'))?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    } finally {
      await store.close();
    }
  });

  it('close() leaves no socket or timer of the client behind, watches included', async () => {
    const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = sockets();
    const c = new EtcdClient({ endpoints: [etcd.endpoint] });
    const first = await put(c, '/z/k', 'v');
    const col = collector();
    // from the next revision: a watch from "now" may be registered only after the put below
    c.watch({ key: '/z/', rangeEnd: '/z0', startRevision: first.header.revision + 1 }, col.handlers);
    await put(c, '/z/k', 'v2');
    await col.until(() => col.events.length === 1);
    expect(sockets()).toBe(before + 1); // an open watch keeps its session referenced
    await c.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(sockets()).toBe(before);
    expect(col.errors).toEqual([]);
    await expect(put(c, '/z/k', 'v3')).rejects.toThrow(/closed/);
  });

  it('compaction: a range and a watch at a compacted revision answer "compacted"', async () => {
    const c = client(etcd.endpoint);
    const old = (await put(c, '/c/k', 'a')).header.revision;
    const now = (await put(c, '/c/k', 'b')).header.revision;
    await c.compact(now, true);
    const err = await c.range({ key: '/c/k', revision: old }).catch((e: unknown) => e);
    expect(isCompactedError(err)).toBe(true);
    expect((err as Error).message).toMatch(/compacted/);
    // compacting to the same revision again: etcd says compacted too
    expect(isCompactedError(await c.compact(now).catch((e: unknown) => e))).toBe(true);
    const col = collector();
    c.watch({ key: '/c/', rangeEnd: '/c0', startRevision: old, prevKv: true }, col.handlers);
    await col.until(() => col.errors.length > 0);
    expect(col.errors[0]).toBeInstanceOf(EtcdCompactedError);
    expect((col.errors[0] as EtcdCompactedError).compactRevision).toBe(now);
    expect(col.events).toEqual([]);
  });
});

/** an etcd on fixed ports, so that it can be stopped and started again where the client expects it */
class RestartableEtcd {
  private child?: ChildProcess;
  constructor(
    private readonly dataDir: string,
    readonly clientPort: number,
    private readonly peerPort: number,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  async start(): Promise<void> {
    const args = etcdArgs({ name: 'skiff-test', dataDir: this.dataDir, clientPort: this.clientPort, peerPort: this.peerPort });
    const child = spawn('/usr/bin/etcd', args, { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`etcd exited with ${child.exitCode}`);
      try {
        const res = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('etcd did not become healthy');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

describe('etcd going away and coming back', () => {
  let dir: string;
  let etcd: RestartableEtcd;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'skiff-test-etcd-restart-'));
    etcd = new RestartableEtcd(path.join(dir, 'data'), await freePort(), await freePort());
    await etcd.start();
  });
  afterAll(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls fail within the deadline and watches report an error; after a restart the same client works', async () => {
    const c = client(etcd.endpoint, { callTimeoutMs: 3000 });
    const base = (await put(c, '/x/before', '1')).header.revision;
    const plain = collector();
    c.watch({ key: '/x/', rangeEnd: '/x0', startRevision: base + 1 }, plain.handlers);
    const resumed = collector();
    const rw = resumingWatch(c, { key: '/x/', rangeEnd: '/x0', startRevision: base + 1, prevKv: true }, resumed.handlers, { initialMs: 100, maxMs: 500 });
    await put(c, '/x/one', '1');
    await resumed.until(() => resumed.events.length === 1);

    await etcd.stop();
    await plain.until(() => plain.errors.length > 0);
    expect(plain.errors[0]!.message).toMatch(/UNAVAILABLE|closed|ECONNRESET|reset/i);
    // an error (the call's deadline bounds it), never a hang
    const err = await put(c, '/x/down', '1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/UNAVAILABLE|DEADLINE_EXCEEDED/);

    await etcd.start();
    expect((await put(c, '/x/two', '2')).succeeded).toBe(true);
    // the resuming watch picked up where it left off, without an error
    await resumed.until(() => resumed.events.length === 2);
    rw.cancel();
    expect(resumed.events.map((e) => e.key)).toEqual(['/x/one', '/x/two']);
    expect(resumed.errors).toEqual([]);
  });
});
