// The hand-written etcd codecs, checked against the reference: etcd's own .proto files (shipped with
// the etcd3 package) loaded by @grpc/proto-loader (protobufjs).
import path from 'node:path';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import {
  decodeCompactionResponse,
  decodeRangeResponse,
  decodeTxnResponse,
  encodeCompactionRequest,
  encodeRangeRequest,
  encodeTxnRequest,
} from '../../apiserver/storage/etcd/etcd-kv-messages.js';
import { decodeWatchResponse, encodeWatchRequest } from '../../apiserver/storage/etcd/etcd-watch-messages.js';
import { ProtoReader } from '../../apiserver/storage/etcd/proto-wire.js';

const protoDir = path.resolve('node_modules/etcd3/proto');
const defs = loadSync('rpc.proto', { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [protoDir] });

type Method = MethodDefinition<unknown, unknown>;
function method(service: string, name: string): Method {
  return (defs[`etcdserverpb.${service}`] as unknown as Record<string, Method>)[name]!;
}
const txn = method('KV', 'Txn');
const range = method('KV', 'Range');
const compact = method('KV', 'Compact');
const watch = method('Watch', 'Watch');

type Decoded = Record<string, unknown>;
const decodeRequest = (m: Method, b: Buffer): Decoded => m.requestDeserialize(b) as Decoded;
const encodeResponse = (m: Method, v: object): Buffer => m.responseSerialize(v);

describe('etcd request encoding (decoded by the reference codec)', () => {
  it('a create transaction: compare mod_revision == 0 is sent explicitly, then a put', () => {
    const value = JSON.stringify({ kind: 'Pod', metadata: { name: 'é' } });
    const req = decodeRequest(txn, encodeTxnRequest({
      compare: [{ key: '/registry/pods/default/a', target: 'mod', result: 'equal', modRevision: 0 }],
      success: [{ put: { key: '/registry/pods/default/a', value } }],
      failure: [],
    }));
    const cmp = (req.compare as Decoded[])[0]!;
    expect(cmp.target).toBe('Mod');
    expect(cmp.result).toBe('Equal');
    expect(cmp.target_union).toBe('mod_revision');
    expect(cmp.mod_revision).toBe('0');
    expect((cmp.key as Buffer).toString()).toBe('/registry/pods/default/a');
    const put = (req.success as Decoded[])[0]!.request_put as Decoded;
    expect((put.value as Buffer).toString()).toBe(value);
    expect(req.failure).toEqual([]);
  });

  it('a CAS delete with prev_kv and a failure range, and every compare target', () => {
    const req = decodeRequest(txn, encodeTxnRequest({
      compare: [
        { key: 'k', target: 'mod', result: 'equal', modRevision: 2 ** 40 },
        { key: 'k', target: 'version', result: 'greater', version: 0 },
        { key: 'k', target: 'create', result: 'less', createRevision: 7 },
        { key: Buffer.from('k'), target: 'value', result: 'notEqual', value: 'v' },
        { key: 'k', rangeEnd: 'l', target: 'lease', result: 'equal', lease: 9 },
      ],
      success: [{ deleteRange: { key: 'k', prevKv: true } }],
      failure: [{ range: { key: 'k' } }],
    }));
    const cmps = req.compare as Decoded[];
    expect(cmps.map((c) => [c.target, c.result, c.target_union])).toEqual([
      ['Mod', 'Equal', 'mod_revision'],
      ['Version', 'Greater', 'version'],
      ['Create', 'Less', 'create_revision'],
      ['Value', 'NotEqual', 'value'],
      ['Lease', 'Equal', 'lease'],
    ]);
    expect(cmps[0]!.mod_revision).toBe(String(2 ** 40));
    expect(cmps[1]!.version).toBe('0');
    expect((cmps[4]!.range_end as Buffer).toString()).toBe('l');
    const del = (req.success as Decoded[])[0]!.request_delete_range as Decoded;
    expect(del.prev_kv).toBe(true);
    expect(((req.failure as Decoded[])[0]!.request_range as Decoded).key).toEqual(Buffer.from('k'));
  });

  it('a range with every option', () => {
    const req = decodeRequest(range, encodeRangeRequest({
      key: '/a/', rangeEnd: '/a0', limit: 5000, revision: 123_456_789_012, sortOrder: 'descend', sortTarget: 'mod',
      serializable: true, keysOnly: true, countOnly: true, minModRevision: 3, maxModRevision: 4, minCreateRevision: 5, maxCreateRevision: 6,
    }));
    expect(req).toMatchObject({
      limit: '5000', revision: '123456789012', sort_order: 'Descend', sort_target: 'Mod', serializable: true, keys_only: true,
      count_only: true, min_mod_revision: '3', max_mod_revision: '4', min_create_revision: '5', max_create_revision: '6',
    });
    expect((req.range_end as Buffer).toString()).toBe('/a0');
  });

  it('a compaction', () => {
    expect(decodeRequest(compact, encodeCompactionRequest({ revision: 42, physical: true }))).toMatchObject({ revision: '42', physical: true });
  });

  it('watch create (with filters and prev_kv), cancel and progress requests', () => {
    const create = decodeRequest(watch, encodeWatchRequest({ create: { key: '/p/', rangeEnd: '/p0', startRevision: 17, prevKv: true, filters: ['noput', 'nodelete'], progressNotify: true } }));
    expect(create.request_union).toBe('create_request');
    expect(create.create_request).toMatchObject({ start_revision: '17', prev_kv: true, progress_notify: true, filters: ['Noput', 'Nodelete'] });
    const cancel = decodeRequest(watch, encodeWatchRequest({ cancel: { watchId: 3 } }));
    expect(cancel.cancel_request).toMatchObject({ watch_id: '3' });
    expect(decodeRequest(watch, encodeWatchRequest({ progress: true })).request_union).toBe('progress_request');
  });
});

describe('etcd response decoding (encoded by the reference codec)', () => {
  const header = { cluster_id: '14841639068965178418', member_id: '10276657743932975437', revision: String(2 ** 40 + 5), raft_term: '3' };
  const kv = (key: string, value: string, mod: number) => ({ key: Buffer.from(key), value: Buffer.from(value), create_revision: '2', mod_revision: String(mod), version: '3', lease: '0' });

  it('a failed transaction with its range response', () => {
    const bytes = encodeResponse(txn, { header, succeeded: false, responses: [{ response_range: { header: {}, kvs: [kv('/k', 'v', 9)], more: false, count: '1' } }] });
    const res = decodeTxnResponse(new ProtoReader(bytes));
    expect(res.header.revision).toBe(2 ** 40 + 5);
    expect(res.header.raftTerm).toBe(3);
    expect(res.succeeded).toBe(false);
    const got = res.responses[0]!.range!.kvs[0]!;
    expect([got.key.toString(), got.value.toString(), got.createRevision, got.modRevision, got.version]).toEqual(['/k', 'v', 2, 9, 3]);
  });

  it('a delete response with prev_kvs and a put response', () => {
    const bytes = encodeResponse(txn, {
      header, succeeded: true,
      responses: [{ response_delete_range: { header: {}, deleted: '1', prev_kvs: [kv('/k', 'old', 8)] } }, { response_put: { header: {}, prev_kv: kv('/p', 'x', 4) } }],
    });
    const res = decodeTxnResponse(new ProtoReader(bytes));
    expect(res.succeeded).toBe(true);
    expect(res.responses[0]!.deleteRange!.deleted).toBe(1);
    expect(res.responses[0]!.deleteRange!.prevKvs[0]!.value.toString()).toBe('old');
    expect(res.responses[1]!.put!.prevKv!.modRevision).toBe(4);
  });

  it('a range response with more and count, and a compaction response', () => {
    const res = decodeRangeResponse(new ProtoReader(encodeResponse(range, { header, kvs: [kv('/a', '1', 5), kv('/b', '2', 6)], more: true, count: '10' })));
    expect(res.kvs.map((k) => k.key.toString())).toEqual(['/a', '/b']);
    expect([res.more, res.count]).toEqual([true, 10]);
    expect(decodeCompactionResponse(new ProtoReader(encodeResponse(compact, { header }))).header.revision).toBe(2 ** 40 + 5);
  });

  it('watch responses: events with prev_kv, and a compacted cancel', () => {
    const events = decodeWatchResponse(new ProtoReader(encodeResponse(watch, {
      header, watch_id: '1',
      events: [{ type: 'Put', kv: kv('/a', 'new', 7), prev_kv: kv('/a', 'old', 6) }, { type: 'Delete', kv: { key: Buffer.from('/b'), mod_revision: '8' }, prev_kv: kv('/b', 'gone', 5) }],
    })));
    expect(events.events.map((e) => [e.type, e.kv.key.toString(), e.kv.modRevision, e.prevKv?.value.toString()])).toEqual([
      ['put', '/a', 7, 'old'],
      ['delete', '/b', 8, 'gone'],
    ]);
    const cancelled = decodeWatchResponse(new ProtoReader(encodeResponse(watch, { header, watch_id: '1', created: true, canceled: true, compact_revision: '40', cancel_reason: 'gone' })));
    expect(cancelled).toMatchObject({ created: true, canceled: true, compactRevision: 40, cancelReason: 'gone', events: [] });
  });

  it('skips fields it does not know (a newer etcd)', () => {
    const known = encodeResponse(range, { header, kvs: [kv('/a', '1', 5)], count: '1' });
    const extra = Buffer.concat([Buffer.from('a806' + '05', 'hex'), known, Buffer.from('b2060161', 'hex')]); // fields 101 (varint) and 102 (bytes)
    const res = decodeRangeResponse(new ProtoReader(extra));
    expect(res.kvs[0]!.value.toString()).toBe('1');
    expect(res.count).toBe(1);
  });
});
