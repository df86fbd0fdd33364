// The etcd v3 KV messages Skiff uses (etcdserverpb.RangeRequest … TxnResponse, CompactionRequest,
// mvccpb.KeyValue), encoded and decoded by hand. Field numbers are those of etcd's rpc.proto and
// kv.proto. int64 fields are JS numbers; keys and values are Buffers (views into the response).
import { ProtoReader, ProtoWriter, WIRE_LEN, WIRE_VARINT } from './proto-wire.js';

/** a key or value to send: bytes, or a string sent as UTF-8 */
export type Bytes = Uint8Array | string;

export interface ResponseHeader {
  revision: number;
  raftTerm: number;
}

export interface KeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  /** 0 in a delete event; 1 for the first write of a key */
  version: number;
  value: Buffer;
  lease: number;
}

export interface RangeRequest {
  key: Bytes;
  rangeEnd?: Bytes;
  limit?: number;
  revision?: number;
  sortOrder?: 'none' | 'ascend' | 'descend';
  sortTarget?: 'key' | 'version' | 'create' | 'mod' | 'value';
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: Bytes;
  value: Bytes;
  lease?: number;
  prevKv?: boolean;
  ignoreValue?: boolean;
  ignoreLease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: Bytes;
  rangeEnd?: Bytes;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

export type RequestOp = { range: RangeRequest } | { put: PutRequest } | { deleteRange: DeleteRangeRequest };

/** exactly one of the fields is set */
export interface ResponseOp {
  range?: RangeResponse;
  put?: PutResponse;
  deleteRange?: DeleteRangeResponse;
}

export type CompareResult = 'equal' | 'greater' | 'less' | 'notEqual';

export type Compare = { key: Bytes; rangeEnd?: Bytes; result: CompareResult } & (
  | { target: 'version'; version: number }
  | { target: 'create'; createRevision: number }
  | { target: 'mod'; modRevision: number }
  | { target: 'value'; value: Bytes }
  | { target: 'lease'; lease: number }
);

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

const SORT_ORDER = { none: 0, ascend: 1, descend: 2 } as const;
const SORT_TARGET = { key: 0, version: 1, create: 2, mod: 3, value: 4 } as const;
const COMPARE_RESULT = { equal: 0, greater: 1, less: 2, notEqual: 3 } as const;
const COMPARE_TARGET = { version: 0, create: 1, mod: 2, value: 3, lease: 4 } as const;

function byteLength(b: Bytes | undefined): number {
  return b === undefined ? 0 : b.length;
}

// ---- encoding -------------------------------------------------------------------------------

/** proto3: default values (0, false) are not written */
function optInt(w: ProtoWriter, field: number, n: number | undefined): void {
  if (n) w.int(field, n);
}

function optBool(w: ProtoWriter, field: number, v: boolean | undefined): void {
  if (v) w.bool(field, true);
}

function writeRange(w: ProtoWriter, r: RangeRequest): void {
  w.bytesOrString(1, r.key);
  if (r.rangeEnd !== undefined) w.bytesOrString(2, r.rangeEnd);
  optInt(w, 3, r.limit);
  optInt(w, 4, r.revision);
  optInt(w, 5, r.sortOrder && SORT_ORDER[r.sortOrder]);
  optInt(w, 6, r.sortTarget && SORT_TARGET[r.sortTarget]);
  optBool(w, 7, r.serializable);
  optBool(w, 8, r.keysOnly);
  optBool(w, 9, r.countOnly);
  optInt(w, 10, r.minModRevision);
  optInt(w, 11, r.maxModRevision);
  optInt(w, 12, r.minCreateRevision);
  optInt(w, 13, r.maxCreateRevision);
}

function writePut(w: ProtoWriter, p: PutRequest): void {
  w.bytesOrString(1, p.key);
  w.bytesOrString(2, p.value);
  optInt(w, 3, p.lease);
  optBool(w, 4, p.prevKv);
  optBool(w, 5, p.ignoreValue);
  optBool(w, 6, p.ignoreLease);
}

function writeDeleteRange(w: ProtoWriter, d: DeleteRangeRequest): void {
  w.bytesOrString(1, d.key);
  if (d.rangeEnd !== undefined) w.bytesOrString(2, d.rangeEnd);
  optBool(w, 3, d.prevKv);
}

function writeRequestOp(w: ProtoWriter, field: number, op: RequestOp): void {
  w.beginMessage(field);
  if ('put' in op) {
    w.beginMessage(2);
    writePut(w, op.put);
  } else if ('range' in op) {
    w.beginMessage(1);
    writeRange(w, op.range);
  } else {
    w.beginMessage(3);
    writeDeleteRange(w, op.deleteRange);
  }
  w.endMessage().endMessage();
}

function writeCompare(w: ProtoWriter, c: Compare): void {
  w.beginMessage(1);
  optInt(w, 1, COMPARE_RESULT[c.result]);
  optInt(w, 2, COMPARE_TARGET[c.target]);
  w.bytesOrString(3, c.key);
  // the target_union oneof is written even when zero: "mod_revision == 0" means "does not exist"
  switch (c.target) {
    case 'version':
      w.int(4, c.version);
      break;
    case 'create':
      w.int(5, c.createRevision);
      break;
    case 'mod':
      w.int(6, c.modRevision);
      break;
    case 'value':
      w.bytesOrString(7, c.value);
      break;
    case 'lease':
      w.int(8, c.lease);
      break;
  }
  if (c.rangeEnd !== undefined) w.bytesOrString(64, c.rangeEnd);
  w.endMessage();
}

function opSize(op: RequestOp): number {
  if ('put' in op) return byteLength(op.put.key) + byteLength(op.put.value);
  if ('range' in op) return byteLength(op.range.key) + byteLength(op.range.rangeEnd);
  return byteLength(op.deleteRange.key) + byteLength(op.deleteRange.rangeEnd);
}

export function encodeTxnRequest(req: TxnRequest): Buffer {
  let hint = 64;
  for (const c of req.compare) hint += byteLength(c.key) + 24;
  for (const op of req.success) hint += opSize(op) + 24;
  for (const op of req.failure) hint += opSize(op) + 24;
  const w = new ProtoWriter(hint);
  for (const c of req.compare) writeCompare(w, c);
  for (const op of req.success) writeRequestOp(w, 2, op);
  for (const op of req.failure) writeRequestOp(w, 3, op);
  return w.finish();
}

export function encodeRangeRequest(req: RangeRequest): Buffer {
  const w = new ProtoWriter(64 + byteLength(req.key) + byteLength(req.rangeEnd));
  writeRange(w, req);
  return w.finish();
}

export function encodeCompactionRequest(req: CompactionRequest): Buffer {
  const w = new ProtoWriter(24);
  optInt(w, 1, req.revision);
  optBool(w, 2, req.physical);
  return w.finish();
}

// ---- decoding -------------------------------------------------------------------------------

export function decodeResponseHeader(r: ProtoReader): ResponseHeader {
  const h: ResponseHeader = { revision: 0, raftTerm: 0 };
  while (!r.done) {
    const tag = r.varint();
    if (tag === (3 << 3 | WIRE_VARINT)) h.revision = r.varint();
    else if (tag === (4 << 3 | WIRE_VARINT)) h.raftTerm = r.varint();
    else r.skip(tag & 7, tag >>> 3); // cluster_id, member_id: random uint64s Skiff does not use
  }
  return h;
}

const EMPTY = Buffer.alloc(0);

export function decodeKeyValue(r: ProtoReader): KeyValue {
  const kv: KeyValue = { key: EMPTY, createRevision: 0, modRevision: 0, version: 0, value: EMPTY, lease: 0 };
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 1 << 3 | WIRE_LEN: kv.key = r.bytes(); break;
      case 2 << 3 | WIRE_VARINT: kv.createRevision = r.varint(); break;
      case 3 << 3 | WIRE_VARINT: kv.modRevision = r.varint(); break;
      case 4 << 3 | WIRE_VARINT: kv.version = r.varint(); break;
      case 5 << 3 | WIRE_LEN: kv.value = r.bytes(); break;
      case 6 << 3 | WIRE_VARINT: kv.lease = r.varint(); break;
      default: r.skip(tag & 7, tag >>> 3);
    }
  }
  return kv;
}

function emptyHeader(): ResponseHeader {
  return { revision: 0, raftTerm: 0 };
}

export function decodeRangeResponse(r: ProtoReader): RangeResponse {
  const res: RangeResponse = { header: emptyHeader(), kvs: [], more: false, count: 0 };
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 1 << 3 | WIRE_LEN: res.header = decodeResponseHeader(r.message()); break;
      case 2 << 3 | WIRE_LEN: res.kvs.push(decodeKeyValue(r.message())); break;
      case 3 << 3 | WIRE_VARINT: res.more = r.bool(); break;
      case 4 << 3 | WIRE_VARINT: res.count = r.varint(); break;
      default: r.skip(tag & 7, tag >>> 3);
    }
  }
  return res;
}

function decodePutResponse(r: ProtoReader): PutResponse {
  const res: PutResponse = { header: emptyHeader() };
  while (!r.done) {
    const tag = r.varint();
    if (tag === (1 << 3 | WIRE_LEN)) res.header = decodeResponseHeader(r.message());
    else if (tag === (2 << 3 | WIRE_LEN)) res.prevKv = decodeKeyValue(r.message());
    else r.skip(tag & 7, tag >>> 3);
  }
  return res;
}

function decodeDeleteRangeResponse(r: ProtoReader): DeleteRangeResponse {
  const res: DeleteRangeResponse = { header: emptyHeader(), deleted: 0, prevKvs: [] };
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 1 << 3 | WIRE_LEN: res.header = decodeResponseHeader(r.message()); break;
      case 2 << 3 | WIRE_VARINT: res.deleted = r.varint(); break;
      case 3 << 3 | WIRE_LEN: res.prevKvs.push(decodeKeyValue(r.message())); break;
      default: r.skip(tag & 7, tag >>> 3);
    }
  }
  return res;
}

function decodeResponseOp(r: ProtoReader): ResponseOp {
  const op: ResponseOp = {};
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 1 << 3 | WIRE_LEN: op.range = decodeRangeResponse(r.message()); break;
      case 2 << 3 | WIRE_LEN: op.put = decodePutResponse(r.message()); break;
      case 3 << 3 | WIRE_LEN: op.deleteRange = decodeDeleteRangeResponse(r.message()); break;
      default: r.skip(tag & 7, tag >>> 3); // response_txn: nested transactions are not used
    }
  }
  return op;
}

export function decodeTxnResponse(r: ProtoReader): TxnResponse {
  const res: TxnResponse = { header: emptyHeader(), succeeded: false, responses: [] };
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 1 << 3 | WIRE_LEN: res.header = decodeResponseHeader(r.message()); break;
      case 2 << 3 | WIRE_VARINT: res.succeeded = r.bool(); break;
      case 3 << 3 | WIRE_LEN: res.responses.push(decodeResponseOp(r.message())); break;
      default: r.skip(tag & 7, tag >>> 3);
    }
  }
  return res;
}

export function decodeCompactionResponse(r: ProtoReader): CompactionResponse {
  const res: CompactionResponse = { header: emptyHeader() };
  while (!r.done) {
    const tag = r.varint();
    if (tag === (1 << 3 | WIRE_LEN)) res.header = decodeResponseHeader(r.message());
    else r.skip(tag & 7, tag >>> 3);
  }
  return res;
}
