import { describe, expect, it } from 'vitest';
import { ProtoReader, ProtoWriter, varintSize, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_START_GROUP, WIRE_VARINT } from '../../apiserver/storage/etcd/proto-wire.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('protobuf varints', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16_383, 'ff7f'],
    [16_384, '808001'],
    [2 ** 31, '8080808008'],
    [2 ** 40, '808080808020'],
    [2 ** 53 - 1, 'ffffffffffffff0f'],
  ])('%d encodes as %s and decodes back', (n, expected) => {
    const bytes = new ProtoWriter(1).varint(n).finish();
    expect(hex(bytes)).toBe(expected);
    expect(varintSize(n)).toBe(bytes.length);
    const r = new ProtoReader(bytes);
    expect(r.varint()).toBe(n);
    expect(r.done).toBe(true);
  });

  it('decodes a 10-byte varint (a negative int64 on the wire) without throwing', () => {
    const r = new ProtoReader(Buffer.from('ffffffffffffffffff01', 'hex'));
    expect(r.varint()).toBeGreaterThan(2 ** 63 - 2 ** 12);
    expect(r.done).toBe(true);
  });

  it('refuses negative, fractional and unsafe numbers, naming the field', () => {
    expect(() => new ProtoWriter().int(4, -1)).toThrow(/field 4: -1/);
    expect(() => new ProtoWriter().int(3, 1.5)).toThrow(/field 3: 1.5/);
    expect(() => new ProtoWriter().varint(2 ** 53)).toThrow(/9007199254740992/);
  });

  it('reports a truncated varint', () => {
    expect(() => new ProtoReader(Buffer.from('80', 'hex')).varint()).toThrow(/truncated/);
  });
});

describe('protobuf writer', () => {
  it('writes length-delimited bytes and strings (UTF-8)', () => {
    const w = new ProtoWriter(1).bytes(1, Buffer.from('ab')).string(2, 'é').bool(3, true);
    expect(hex(w.finish())).toBe('0a026162' + '1202c3a9' + '1801');
  });

  it('writes nested messages whose length needs one byte or several', () => {
    const small = new ProtoWriter().beginMessage(1).int(1, 5).endMessage().finish();
    expect(hex(small)).toBe('0a020805');
    const big = Buffer.alloc(300, 0x61);
    const w = new ProtoWriter(8).int(9, 1).beginMessage(2).beginMessage(3).bytes(1, big).endMessage().endMessage().int(10, 2);
    const out = w.finish();
    const r = new ProtoReader(out);
    expect(r.varint()).toBe((9 << 3) | WIRE_VARINT);
    expect(r.varint()).toBe(1);
    expect(r.varint()).toBe((2 << 3) | WIRE_LEN);
    const outer = r.message();
    expect(outer.varint()).toBe((3 << 3) | WIRE_LEN);
    const inner = outer.message();
    expect(outer.done).toBe(true);
    expect(inner.varint()).toBe((1 << 3) | WIRE_LEN);
    expect(inner.bytes().equals(big)).toBe(true);
    expect(r.varint()).toBe((10 << 3) | WIRE_VARINT);
    expect(r.varint()).toBe(2);
    expect(r.done).toBe(true);
  });

  it('refuses to finish with an open nested message', () => {
    expect(() => new ProtoWriter().beginMessage(1).finish()).toThrow(/not ended/);
  });
});

describe('protobuf reader skipping unknown fields', () => {
  it('skips every wire type, groups included, and lands on the next known field', () => {
    const parts = [
      '08' + 'ac02', // 1: varint 300
      '11' + '0102030405060708', // 2: fixed64
      '1a' + '03' + '616263', // 3: bytes "abc"
      '25' + '01020304', // 4: fixed32
      '2b' + '08' + '01' + '33' + '34' + '2c', // 5: group holding field 1 varint and an empty group 6
      '30' + '2a', // 6: varint 42 (the field we want)
    ];
    const r = new ProtoReader(Buffer.from(parts.join(''), 'hex'));
    const seen: number[] = [];
    let wanted = -1;
    while (!r.done) {
      const tag = r.varint();
      seen.push(tag & 7);
      if (tag >>> 3 === 6) wanted = r.varint();
      else r.skip(tag & 7, tag >>> 3);
    }
    expect(seen).toEqual([WIRE_VARINT, WIRE_FIXED64, WIRE_LEN, WIRE_FIXED32, WIRE_START_GROUP, WIRE_VARINT]);
    expect(wanted).toBe(42);
  });

  it('reports a length that runs past the end', () => {
    const r = new ProtoReader(Buffer.from('0a05616263', 'hex'));
    r.varint();
    expect(() => r.bytes()).toThrow(/past the end/);
  });

  it('reports a group closed by the wrong field', () => {
    const r = new ProtoReader(Buffer.from('2b' + '3c', 'hex'));
    const tag = r.varint();
    expect(() => r.skip(tag & 7, tag >>> 3)).toThrow(/group 5 ended by field 7/);
  });
});
