// A lean etcd v3 client: Txn, Range and Compact as unary gRPC calls, and Watch as one bidirectional
// stream per watch, all on one reused HTTP/2 session (see grpc-transport.ts).
import {
  type CompactionResponse,
  decodeCompactionResponse,
  decodeRangeResponse,
  decodeTxnResponse,
  encodeCompactionRequest,
  encodeRangeRequest,
  encodeTxnRequest,
  type RangeRequest,
  type RangeResponse,
  type TxnRequest,
  type TxnResponse,
} from './etcd-kv-messages.js';
import { decodeWatchResponse, encodeWatchRequest, type WatchCreateRequest, type WatchEvent } from './etcd-watch-messages.js';
import { GrpcCode, GrpcError } from './grpc-status.js';
import type { GrpcStream } from './grpc-bidi-stream.js';
import { GrpcTransport, type GrpcTransportOptions } from './grpc-transport.js';
import { ProtoReader } from './proto-wire.js';

export type EtcdClientOptions = GrpcTransportOptions;

/** A watch's start revision (or a range's revision) is older than etcd's compaction. */
export class EtcdCompactedError extends Error {
  constructor(
    /** the oldest revision etcd still has (0 when etcd did not say) */
    readonly compactRevision: number,
    message: string,
  ) {
    super(message);
    this.name = 'EtcdCompactedError';
  }
}

/** etcd canceled a watch for another reason than compaction (cancel_reason says why) */
export class EtcdWatchCanceledError extends Error {
  constructor(readonly reason: string) {
    super(`etcd canceled the watch${reason ? `: ${reason}` : ''}`);
    this.name = 'EtcdWatchCanceledError';
  }
}

/** true for etcd's "required revision has been compacted" (a range, a compaction, or a watch) */
export function isCompactedError(e: unknown): boolean {
  if (e instanceof EtcdCompactedError) return true;
  return e instanceof GrpcError && e.code === GrpcCode.OUT_OF_RANGE && /compacted/i.test(e.details);
}

export interface EtcdWatchHandlers {
  /** the events of one watch response, in revision order, with the response header's revision */
  onEvents(events: WatchEvent[], headerRevision: number): void;
  /** the watch has ended: EtcdCompactedError when its start revision was compacted, else why it ended */
  onError(err: Error): void;
}

export interface EtcdWatch {
  /** ends the watch's stream; no handler is called afterwards */
  cancel(): void;
}

const TXN = '/etcdserverpb.KV/Txn';
const RANGE = '/etcdserverpb.KV/Range';
const COMPACT = '/etcdserverpb.KV/Compact';
const WATCH = '/etcdserverpb.Watch/Watch';

export class EtcdClient {
  private readonly transport: GrpcTransport;
  private isClosed = false;

  /** throws when an endpoint is not an http:// or https:// URL */
  constructor(opts: EtcdClientOptions) {
    this.transport = new GrpcTransport(opts);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async txn(req: TxnRequest): Promise<TxnResponse> {
    const res = await this.transport.unary(TXN, encodeTxnRequest(req));
    return decodeTxnResponse(new ProtoReader(res));
  }

  async range(req: RangeRequest): Promise<RangeResponse> {
    const res = await this.transport.unary(RANGE, encodeRangeRequest(req));
    return decodeRangeResponse(new ProtoReader(res));
  }

  /** compacts the history up to revision; physical: wait until the space is reclaimed */
  async compact(revision: number, physical = false): Promise<CompactionResponse> {
    const res = await this.transport.unary(COMPACT, encodeCompactionRequest({ revision, physical }));
    return decodeCompactionResponse(new ProtoReader(res));
  }

  watch(req: WatchCreateRequest, handlers: EtcdWatchHandlers): EtcdWatch {
    let ended = false;
    let stream: GrpcStream | undefined;
    const finish = (err: Error): void => {
      if (ended) return;
      ended = true;
      stream?.cancel();
      handlers.onError(err);
    };
    stream = this.transport.openStream(WATCH, encodeWatchRequest({ create: req }), {
      onMessage: (m) => {
        if (ended) return;
        let res;
        try {
          res = decodeWatchResponse(new ProtoReader(m));
        } catch (e) {
          finish(new GrpcError(GrpcCode.INTERNAL, `bad watch response: ${(e as Error).message}`, WATCH));
          return;
        }
        if (res.canceled) {
          finish(res.compactRevision > 0
            ? new EtcdCompactedError(res.compactRevision, `etcd watch from revision ${req.startRevision ?? 0}: required revision has been compacted (oldest available ${res.compactRevision})`)
            : new EtcdWatchCanceledError(res.cancelReason));
          return;
        }
        if (res.events.length) handlers.onEvents(res.events, res.header.revision);
      },
      onClose: (err) => finish(err ?? new GrpcError(GrpcCode.UNAVAILABLE, 'etcd ended the watch stream', WATCH)),
    });
    if (ended) stream.cancel();
    return {
      cancel: () => {
        if (ended) return;
        ended = true;
        stream?.cancel();
      },
    };
  }

  /** cancels the watches, waits (briefly) for calls in flight, and closes the connections */
  close(): Promise<void> {
    this.isClosed = true;
    return this.transport.close();
  }
}
