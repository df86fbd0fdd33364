import { afterEach, describe, expect, it, vi } from 'vitest';
import { EtcdCompactedError, EtcdWatchCanceledError, type EtcdWatchHandlers } from '../../apiserver/storage/etcd/etcd-client.js';
import type { KeyValue } from '../../apiserver/storage/etcd/etcd-kv-messages.js';
import type { WatchCreateRequest, WatchEvent } from '../../apiserver/storage/etcd/etcd-watch-messages.js';
import { GrpcError } from '../../apiserver/storage/etcd/grpc-status.js';
import { resumingWatch } from '../../apiserver/storage/etcd/resuming-watch.js';

/** a client whose watches the test drives by hand */
class FakeWatchClient {
  closed = false;
  readonly opened: { req: WatchCreateRequest; handlers: EtcdWatchHandlers; cancelled: boolean }[] = [];

  watch(req: WatchCreateRequest, handlers: EtcdWatchHandlers) {
    const w = { req, handlers, cancelled: false };
    this.opened.push(w);
    return { cancel: () => void (w.cancelled = true) };
  }

  get last() {
    return this.opened[this.opened.length - 1]!;
  }
}

function ev(key: string, rev: number): WatchEvent {
  const kv: KeyValue = { key: Buffer.from(key), value: Buffer.from('v'), createRevision: rev, modRevision: rev, version: 1, lease: 0 };
  return { type: 'put', kv };
}

const lost = () => new GrpcError(14, 'connection closed', '/etcdserverpb.Watch/Watch');

afterEach(() => {
  vi.useRealTimers();
});

describe('resumingWatch', () => {
  it('after a lost stream, opens again from the revision after the last event, with a growing backoff', () => {
    vi.useFakeTimers();
    const client = new FakeWatchClient();
    const got: number[] = [];
    const errors: Error[] = [];
    resumingWatch(client, { key: '/p/', rangeEnd: '/p0', startRevision: 10, prevKv: true }, {
      onEvents: (evs) => got.push(...evs.map((e) => e.kv.modRevision)),
      onError: (e) => errors.push(e),
    }, { initialMs: 100, maxMs: 250 });
    expect(client.opened).toHaveLength(1);
    expect(client.last.req).toMatchObject({ key: '/p/', startRevision: 10, prevKv: true });
    client.last.handlers.onEvents([ev('/p/a', 12), ev('/p/b', 12), ev('/p/c', 14)], 20);

    client.last.handlers.onError(lost());
    vi.advanceTimersByTime(99);
    expect(client.opened).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(client.opened).toHaveLength(2);
    expect(client.last.req.startRevision).toBe(15);

    client.last.handlers.onError(lost());
    vi.advanceTimersByTime(199);
    expect(client.opened).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(client.last.req.startRevision).toBe(15);
    client.last.handlers.onError(lost());
    vi.advanceTimersByTime(250); // capped at maxMs
    expect(client.opened).toHaveLength(4);
    client.last.handlers.onEvents([ev('/p/d', 30)], 30);
    expect(got).toEqual([12, 12, 14, 30]);
    expect(errors).toEqual([]);
  });

  it('compaction and a cancel by etcd end it with the error; so does a closed client', () => {
    for (const err of [new EtcdCompactedError(40, 'compacted'), new EtcdWatchCanceledError('permission denied')]) {
      const client = new FakeWatchClient();
      const errors: Error[] = [];
      resumingWatch(client, { key: '/p/', startRevision: 5 }, { onEvents: () => undefined, onError: (e) => errors.push(e) });
      client.last.handlers.onError(err);
      expect(errors).toEqual([err]);
      expect(client.opened).toHaveLength(1);
    }
    const client = new FakeWatchClient();
    const errors: Error[] = [];
    resumingWatch(client, { key: '/p/', startRevision: 5 }, { onEvents: () => undefined, onError: (e) => errors.push(e) });
    client.closed = true;
    client.last.handlers.onError(lost());
    expect(errors).toHaveLength(1);
  });

  it('cancel() cancels the open stream and any pending reopen', () => {
    vi.useFakeTimers();
    const client = new FakeWatchClient();
    const w = resumingWatch(client, { key: '/p/', startRevision: 5 }, { onEvents: () => expect.fail('event after cancel'), onError: () => expect.fail('error after cancel') }, { initialMs: 100, maxMs: 100 });
    const first = client.last;
    w.cancel();
    expect(first.cancelled).toBe(true);

    const client2 = new FakeWatchClient();
    const w2 = resumingWatch(client2, { key: '/p/', startRevision: 5 }, { onEvents: () => undefined, onError: () => expect.fail('error after cancel') }, { initialMs: 100, maxMs: 100 });
    client2.last.handlers.onError(lost());
    w2.cancel();
    vi.advanceTimersByTime(1000);
    expect(client2.opened).toHaveLength(1);
  });
});
