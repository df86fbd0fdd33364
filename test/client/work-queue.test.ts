import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, createWorkQueue } from '../../client/work-queue.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('work queue', () => {
  it('dedupes keys that are waiting and keeps FIFO order', async () => {
    const q = createWorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('does not hand out a key being processed; a re-add during processing queues it after done', async () => {
    const q = createWorkQueue();
    q.add('a');
    const k = await q.get();
    expect(k).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((v) => (second = v));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done('a');
    await Promise.resolve();
    await Promise.resolve();
    expect(second).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('wakes a waiting get when a key arrives', async () => {
    const q = createWorkQueue<number>();
    const p = q.get();
    q.add(7);
    expect(await p).toBe(7);
  });

  it('shutdown wakes every waiter with undefined and ignores later adds', async () => {
    const q = createWorkQueue();
    const a = q.get();
    const b = q.get();
    q.shutdown();
    expect(await a).toBeUndefined();
    expect(await b).toBeUndefined();
    q.add('x');
    expect(q.len()).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it('backs off exponentially per key and forget resets it', async () => {
    vi.useFakeTimers();
    const q = createWorkQueue({ baseDelayMs: 10, maxDelayMs: 35 });
    q.addRateLimited('k');
    expect(q.len()).toBe(0);
    await vi.advanceTimersByTimeAsync(9);
    expect(q.len()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.len()).toBe(1);
    q.done((await q.get())!);
    q.addRateLimited('k'); // second failure: 20 ms
    await vi.advanceTimersByTimeAsync(19);
    expect(q.len()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.len()).toBe(1);
    q.done((await q.get())!);
    q.addRateLimited('k'); // third: 40 capped at 35
    await vi.advanceTimersByTimeAsync(34);
    expect(q.len()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.len()).toBe(1);
    q.done((await q.get())!);
    q.forget('k');
    q.addRateLimited('k');
    await vi.advanceTimersByTimeAsync(10);
    expect(q.len()).toBe(1);
  });

  it('addAfter keeps the earliest pending wake-up for a key', async () => {
    vi.useFakeTimers();
    const q = createWorkQueue();
    q.addAfter('k', 100);
    q.addAfter('k', 50);
    q.addAfter('k', 500);
    await vi.advanceTimersByTimeAsync(50);
    expect(q.len()).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(q.len()).toBe(1);
  });

  it('backoffDelay doubles from the base up to the cap', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 5, 100))).toEqual([5, 10, 20, 40, 100]);
    expect(backoffDelay(5000, 5, 1_000_000)).toBe(1_000_000);
  });
});
