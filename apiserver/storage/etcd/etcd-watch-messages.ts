// The etcd v3 Watch messages (etcdserverpb.WatchRequest/WatchCreateRequest/WatchCancelRequest,
// WatchResponse, mvccpb.Event), encoded and decoded by hand with etcd's field numbers.
import { type Bytes, decodeKeyValue, decodeResponseHeader, type KeyValue, type ResponseHeader } from './etcd-kv-messages.js';
import { ProtoReader, ProtoWriter, WIRE_LEN, WIRE_VARINT } from './proto-wire.js';

export interface WatchCreateRequest {
  key: Bytes;
  rangeEnd?: Bytes;
  /** deliver events from this revision on (0: from now) */
  startRevision?: number;
  progressNotify?: boolean;
  /** filter out puts and/or deletes */
  filters?: ('noput' | 'nodelete')[];
  prevKv?: boolean;
  watchId?: number;
  fragment?: boolean;
}

export type WatchRequest = { create: WatchCreateRequest } | { cancel: { watchId: number } } | { progress: true };

export interface WatchEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface WatchResponse {
  header: ResponseHeader;
  watchId: number;
  created: boolean;
  canceled: boolean;
  /** set (with canceled) when the start revision has been compacted: the oldest revision still available */
  compactRevision: number;
  cancelReason: string;
  fragment: boolean;
  events: WatchEvent[];
}

const FILTER = { noput: 0, nodelete: 1 } as const;

export function encodeWatchRequest(req: WatchRequest): Buffer {
  const w = new ProtoWriter(64 + ('create' in req ? req.create.key.length + (req.create.rangeEnd?.length ?? 0) : 0));
  if ('create' in req) {
    const c = req.create;
    w.beginMessage(1);
    w.bytesOrString(1, c.key);
    if (c.rangeEnd !== undefined) w.bytesOrString(2, c.rangeEnd);
    if (c.startRevision) w.int(3, c.startRevision);
    if (c.progressNotify) w.bool(4, true);
    if (c.filters?.length) {
      // repeated enum: packed
      w.beginMessage(5);
      for (const f of c.filters) w.varint(FILTER[f]);
      w.endMessage();
    }
    if (c.prevKv) w.bool(6, true);
    if (c.watchId) w.int(7, c.watchId);
    if (c.fragment) w.bool(8, true);
    w.endMessage();
  } else if ('cancel' in req) {
    w.beginMessage(2);
    if (req.cancel.watchId) w.int(1, req.cancel.watchId);
    w.endMessage();
  } else {
    w.beginMessage(3).endMessage();
  }
  return w.finish();
}

function decodeEvent(r: ProtoReader): WatchEvent {
  let type: WatchEvent['type'] = 'put';
  let kv: KeyValue | undefined;
  let prevKv: KeyValue | undefined;
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 1 << 3 | WIRE_VARINT: type = r.varint() === 1 ? 'delete' : 'put'; break;
      case 2 << 3 | WIRE_LEN: kv = decodeKeyValue(r.message()); break;
      case 3 << 3 | WIRE_LEN: prevKv = decodeKeyValue(r.message()); break;
      default: r.skip(tag & 7, tag >>> 3);
    }
  }
  if (!kv) throw new RangeError('etcd watch event without a key-value (field kv)');
  return prevKv ? { type, kv, prevKv } : { type, kv };
}

export function decodeWatchResponse(r: ProtoReader): WatchResponse {
  const res: WatchResponse = {
    header: { revision: 0, raftTerm: 0 },
    watchId: 0,
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: '',
    fragment: false,
    events: [],
  };
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 1 << 3 | WIRE_LEN: res.header = decodeResponseHeader(r.message()); break;
      case 2 << 3 | WIRE_VARINT: res.watchId = r.varint(); break;
      case 3 << 3 | WIRE_VARINT: res.created = r.bool(); break;
      case 4 << 3 | WIRE_VARINT: res.canceled = r.bool(); break;
      case 5 << 3 | WIRE_VARINT: res.compactRevision = r.varint(); break;
      case 6 << 3 | WIRE_LEN: res.cancelReason = r.bytes().toString('utf8'); break;
      case 7 << 3 | WIRE_VARINT: res.fragment = r.bool(); break;
      case 11 << 3 | WIRE_LEN: res.events.push(decodeEvent(r.message())); break;
      default: r.skip(tag & 7, tag >>> 3);
    }
  }
  return res;
}
