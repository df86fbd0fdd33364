import { describe, expect, it } from 'vitest';
import { frameMessage, GrpcFrameReader, readSingleMessage } from '../../apiserver/storage/etcd/grpc-frames.js';
import { GrpcError, type GrpcMetadata, statusFromMetadata } from '../../apiserver/storage/etcd/grpc-status.js';

function collect(reader: GrpcFrameReader, chunks: Buffer[]): string[] {
  const out: string[] = [];
  for (const c of chunks) reader.push(c, (m) => out.push(m.toString()));
  return out;
}

describe('gRPC framing', () => {
  it('frames a message with a zero flag and a big-endian length', () => {
    expect(frameMessage(Buffer.from('hi')).toString('hex')).toBe('0000000002' + '6869');
  });

  it('reassembles messages split across chunks at every possible point', () => {
    const stream = Buffer.concat([frameMessage(Buffer.from('first')), frameMessage(Buffer.alloc(0)), frameMessage(Buffer.from('third message'))]);
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b++) {
        const reader = new GrpcFrameReader();
        const got = collect(reader, [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
        expect(got).toEqual(['first', '', 'third message']);
        expect(reader.partial).toBe(false);
      }
    }
  });

  it('joins a large message sent in many small chunks', () => {
    const body = Buffer.alloc(1 << 20, 'x');
    const framed = frameMessage(body);
    const reader = new GrpcFrameReader();
    const got: Buffer[] = [];
    for (let i = 0; i < framed.length; i += 16_384) reader.push(framed.subarray(i, i + 16_384), (m) => got.push(m));
    expect(got).toHaveLength(1);
    expect(got[0]!.equals(body)).toBe(true);
  });

  it('keeps a partial message until the rest arrives', () => {
    const reader = new GrpcFrameReader();
    expect(collect(reader, [frameMessage(Buffer.from('abc')).subarray(0, 6)])).toEqual([]);
    expect(reader.partial).toBe(true);
  });

  it('refuses compressed and oversized messages', () => {
    expect(() => new GrpcFrameReader().push(Buffer.from('0100000001aa', 'hex'), () => undefined)).toThrow(/compressed/);
    expect(() => new GrpcFrameReader(10).push(Buffer.from('0000000100', 'hex'), () => undefined)).toThrow(/256 bytes exceeds the limit of 10/);
  });

  it('reads the single message of a unary response, and refuses anything else', () => {
    expect(readSingleMessage(frameMessage(Buffer.from('ok')), '/m').toString()).toBe('ok');
    expect(() => readSingleMessage(undefined, '/m')).toThrow(/no message/);
    const two = Buffer.concat([frameMessage(Buffer.from('a')), frameMessage(Buffer.from('b'))]);
    expect(() => readSingleMessage(two, '/m')).toThrow(/exactly one message/);
  });
});

describe('gRPC status', () => {
  it('reads OK, an error with a percent-encoded message, and no status', () => {
    expect(statusFromMetadata({ 'grpc-status': '0' }, '/m')).toBeNull();
    expect(statusFromMetadata({ ':status': 200 } as unknown as GrpcMetadata, '/m')).toBeUndefined();
    const err = statusFromMetadata({ 'grpc-status': '11', 'grpc-message': 'etcdserver:%20mvcc:%20required%20revision%20has%20been%20compacted' }, '/etcdserverpb.KV/Range');
    expect(err).toBeInstanceOf(GrpcError);
    expect(err!.code).toBe(11);
    expect(err!.details).toBe('etcdserver: mvcc: required revision has been compacted');
    expect(err!.message).toBe('/etcdserverpb.KV/Range: etcdserver: mvcc: required revision has been compacted (OUT_OF_RANGE 11)');
  });
});
