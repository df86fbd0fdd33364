import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../runtime/streaming/spdy-dictionary.js';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  goAwayFrame,
  parseSynStream,
  pingFrame,
  rstStreamFrame,
  SpdyFrameReader,
  SpdyProtocolError,
  synReplyFrame,
  windowUpdateFrame,
} from '../../runtime/streaming/spdy-frames.js';
import { SpdyHeaderCodec } from '../../runtime/streaming/spdy-header-codec.js';
import { syncFlush } from './spdy-test-client.js';

describe('SPDY/3.1 framing', () => {
  it('reads frames split and joined at any byte', () => {
    const bytes = Buffer.concat([dataFrame(1, Buffer.from('hello'), false), pingFrame(7), dataFrame(3, Buffer.alloc(0), true), rstStreamFrame(5, 5)]);
    for (const step of [1, 3, 8, bytes.length]) {
      const r = new SpdyFrameReader();
      const frames = [];
      for (let i = 0; i < bytes.length; i += step) frames.push(...r.push(bytes.subarray(i, i + step)));
      expect(frames.map((f) => (f.control ? { c: f.type, v: f.version, p: [...f.payload] } : { id: f.streamId, fin: f.flags, d: f.data.toString() }))).toEqual([
        { id: 1, fin: 0, d: 'hello' },
        { c: 6, v: 3, p: [0, 0, 0, 7] },
        { id: 3, fin: 1, d: '' },
        { c: 3, v: 3, p: [0, 0, 0, 5, 0, 0, 0, 5] },
      ]);
    }
  });

  it('lays out control frames as the draft says', () => {
    expect([...goAwayFrame(9, 0)]).toEqual([0x80, 3, 0, 7, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0, 0]);
    expect([...windowUpdateFrame(1, 65536)]).toEqual([0x80, 3, 0, 9, 0, 0, 0, 8, 0, 0, 0, 1, 0, 1, 0, 0]);
    expect([...synReplyFrame(5, Buffer.of(0xaa))]).toEqual([0x80, 3, 0, 2, 0, 0, 0, 5, 0, 0, 0, 5, 0xaa]);
    expect([...dataFrame(3, Buffer.from('x'), true)]).toEqual([0, 0, 0, 3, 1, 0, 0, 1, 0x78]);
    const syn = parseSynStream(Buffer.from([0, 0, 0, 3, 0, 0, 0, 1, 0x20, 0, 9, 9]));
    expect(syn).toEqual({ streamId: 3, associatedId: 1, headerBlock: Buffer.of(9, 9) });
  });

  it('refuses frames longer than the limit and truncated header blocks', () => {
    const r = new SpdyFrameReader(16);
    expect(() => r.push(dataFrame(1, Buffer.alloc(17), false))).toThrow(SpdyProtocolError);
    expect(() => decodeHeaderBlock(Buffer.from([0, 0, 0, 1, 0, 0, 0, 9, 0x61]))).toThrow(/truncated/);
    expect(() => parseSynStream(Buffer.alloc(4))).toThrow(/too short/);
  });

  it('round-trips header blocks with lowercased names', () => {
    const h = decodeHeaderBlock(encodeHeaderBlock({ streamType: 'data', port: '8080', requestID: '0' }));
    expect(h).toEqual({ streamtype: 'data', port: '8080', requestid: '0' });
  });

  it('has the 1423-byte SPDY/3 dictionary (zlib dictionary id e3c6a7c2)', async () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    const first = await syncFlush(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }), encodeHeaderBlock({ a: 'b' }));
    expect(first.subarray(2, 6).toString('hex')).toBe('e3c6a7c2');
  });

  it('decodes header blocks compressed in one context across frames, and encodes for the peer', async () => {
    const codec = new SpdyHeaderCodec();
    const peer = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
    const a = await syncFlush(peer, encodeHeaderBlock({ streamtype: 'error', port: '80', requestid: '0' }));
    const b = await syncFlush(peer, encodeHeaderBlock({ streamtype: 'data', port: '80', requestid: '0' }));
    expect(await codec.decode(a)).toEqual({ streamtype: 'error', port: '80', requestid: '0' });
    expect(await codec.decode(b)).toEqual({ streamtype: 'data', port: '80', requestid: '0' });
    const peerIn = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
    const r1 = await codec.encode({ x: '1' });
    const r2 = await codec.encode({});
    expect(decodeHeaderBlock(await syncFlush(peerIn, r1))).toEqual({ x: '1' });
    expect(decodeHeaderBlock(await syncFlush(peerIn, r2))).toEqual({});
    codec.close();
    peer.destroy();
    peerIn.destroy();
  });
});
