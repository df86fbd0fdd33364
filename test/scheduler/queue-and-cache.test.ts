import { afterEach, describe, expect, it } from 'vitest';
import { SchedulingQueue } from '../../scheduler/scheduling-queue.js';
import { NodeCache } from '../../scheduler/node-cache.js';
import { mayFitMorePods } from '../../scheduler/scheduler.js';
import { makeNode, pod } from './builders.js';

describe('SchedulingQueue', () => {
  let now = 0;
  let q: SchedulingQueue;
  const make = () => (q = new SchedulingQueue({ now: () => now, initialBackoffMs: 1000, maxBackoffMs: 4000, unschedulableFlushMs: 60_000 }));
  afterEach(() => q?.close());

  it('hands out keys in order, once', async () => {
    make();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(await q.pop()).toBe('a');
    expect(await q.pop()).toBe('b');
    expect(q.pendingCount()).toBe(0);
  });

  it('doubles the back-off up to the maximum', () => {
    make();
    expect([1, 2, 3, 4, 5].map((n) => q.backoffMs(n))).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  it('parks unschedulable pods until a cluster change, after their back-off', async () => {
    now = 0;
    make();
    q.addUnschedulable('p');
    q.add('other');
    expect(await q.pop()).toBe('other');
    // a cluster change before the back-off ends: still waits
    q.moveAllToActive();
    expect(q.pendingCount()).toBe(1);
    now = 1500;
    q.moveAllToActive();
    expect(await q.pop()).toBe('p');
  });

  it('an update to a backing-off pod waits for the back-off', async () => {
    now = 0;
    make();
    q.addBackoff('p');
    q.add('p');
    q.add('x');
    expect(await q.pop()).toBe('x');
    now = 2000;
    await new Promise((r) => setTimeout(r, 250));
    expect(await q.pop()).toBe('p');
  });

  it('forgets deleted pods', async () => {
    make();
    q.add('gone');
    q.delete('gone');
    q.add('here');
    expect(await q.pop()).toBe('here');
  });
});

describe('NodeCache', () => {
  it('counts bound and assumed pods once, and frees them', () => {
    const c = new NodeCache();
    c.upsertNode(makeNode('n1'));
    const p = pod('p', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] }, undefined, 'rs-1');
    const big = pod('big', {}, { cpu: '1', memory: '1Gi' });
    c.assume(big, 'n1', 0, 1000);
    c.assume(p, 'n1', 0, 1000);
    let n = c.get('n1')!;
    expect(n.podCount).toBe(2);
    expect(n.requestedCpuMilli).toBe(1000);
    expect(n.usedPorts.size).toBe(2);
    expect(n.ownerCounts.get('rs-1')).toBe(1);
    // the watch confirms the binding: still counted once
    c.addBoundPod(big, 'n1');
    expect(c.get('n1')!.podCount).toBe(2);
    expect(c.isAssumed(big.key)).toBe(false);
    // the unconfirmed one expires
    expect(c.expireAssumed(2000)).toEqual([p.key]);
    n = c.get('n1')!;
    expect([n.podCount, n.usedPorts.size, n.ownerCounts.size]).toEqual([1, 0, 0]);
    c.removePod(big.key);
    expect([c.get('n1')!.podCount, c.get('n1')!.requestedCpuMilli]).toEqual([0, 0]);
  });

  it('keeps the pod sums when a node changes, and counts pods seen before their node', () => {
    const c = new NodeCache();
    c.addBoundPod(pod('early', {}, { cpu: '500m' }), 'late');
    c.upsertNode(makeNode('late', { cpu: '2' }));
    expect(c.get('late')!.requestedCpuMilli).toBe(500);
    c.upsertNode(makeNode('late', { cpu: '8', unschedulable: true }));
    const n = c.get('late')!;
    expect([n.allocatableCpuMilli, n.unschedulable, n.requestedCpuMilli]).toEqual([8000, true, 500]);
    expect(c.nodeList().map((x) => x.name)).toEqual(['late']);
  });

  it('forget drops only an assumption', () => {
    const c = new NodeCache();
    c.upsertNode(makeNode('n'));
    const a = pod('a');
    c.assume(a, 'n', 0, 1000);
    c.forget(a.key);
    expect(c.get('n')!.podCount).toBe(0);
    c.addBoundPod(a, 'n');
    c.forget(a.key);
    expect(c.get('n')!.podCount).toBe(1);
  });
});

describe('mayFitMorePods', () => {
  const base = makeNode('n', { labels: { a: '1' } });
  const heartbeat = structuredClone(base);
  heartbeat.status!.conditions![0].lastHeartbeatTime = '2026-01-01T00:00:00Z';
  const relabelled = structuredClone(base);
  relabelled.metadata.labels = { a: '2' };
  const cordoned = structuredClone(base);
  cordoned.spec!.unschedulable = true;
  const notReady = makeNode('n', { labels: { a: '1' }, ready: false });
  it.each([
    ['a heartbeat', heartbeat, false],
    ['new labels', relabelled, true],
    ['cordoned', cordoned, true],
    ['readiness', notReady, true],
  ] as const)('%s → %s', (_what, n, want) => {
    expect(mayFitMorePods(base, n)).toBe(want);
  });
});
