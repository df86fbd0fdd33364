// The protobuf wire format, the part etcd's messages need: varints (int64 values as JS numbers —
// etcd revisions fit in 2^53), length-delimited bytes and nested messages, and skipping unknown
// fields of any wire type. Writers append into one growing buffer; nested messages reserve one
// length byte and shift their body only when the length needs more.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const TWO_32 = 2 ** 32;

/** bytes a varint of n (a non-negative safe integer) takes */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;
  /** start offsets of the open nested messages (their reserved length byte) */
  private readonly open: number[] = [];

  constructor(sizeHint = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, sizeHint));
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** a raw varint (no tag); n must be a non-negative safe integer */
  varint(n: number): this {
    if (!(n >= 0 && Number.isSafeInteger(n))) throw new RangeError(`protobuf varint: ${n} is not a non-negative safe integer`);
    this.ensure(10);
    const b = this.buf;
    while (n >= 128) {
      b[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    b[this.pos++] = n;
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** an int64/uint64/enum field; zero is written too (callers skip defaults themselves) */
  int(field: number, n: number): this {
    if (!(n >= 0 && Number.isSafeInteger(n))) throw new RangeError(`protobuf field ${field}: ${n} is not a non-negative safe integer`);
    return this.tag(field, WIRE_VARINT).varint(n);
  }

  bool(field: number, v: boolean): this {
    return this.tag(field, WIRE_VARINT).varint(v ? 1 : 0);
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN).varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  /** a string field, UTF-8 encoded straight into the buffer */
  string(field: number, s: string): this {
    const len = Buffer.byteLength(s);
    this.tag(field, WIRE_LEN).varint(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
    return this;
  }

  /** bytes given as a buffer or as a string (UTF-8) */
  bytesOrString(field: number, data: Uint8Array | string): this {
    return typeof data === 'string' ? this.string(field, data) : this.bytes(field, data);
  }

  /** begins a nested message in field; end it with endMessage() */
  beginMessage(field: number): this {
    this.tag(field, WIRE_LEN);
    this.ensure(1);
    this.open.push(this.pos);
    this.pos += 1;
    return this;
  }

  endMessage(): this {
    const at = this.open.pop();
    if (at === undefined) throw new Error('protobuf writer: endMessage() without beginMessage()');
    const len = this.pos - at - 1;
    const lenSize = varintSize(len);
    if (lenSize > 1) {
      this.ensure(lenSize - 1);
      this.buf.copyWithin(at + lenSize, at + 1, this.pos);
      this.pos += lenSize - 1;
    }
    let p = at;
    let n = len;
    while (n >= 128) {
      this.buf[p++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[p] = n;
    return this;
  }

  /** the encoded bytes (a view of the writer's buffer) */
  finish(): Buffer {
    if (this.open.length) throw new Error(`protobuf writer: ${this.open.length} nested message(s) not ended`);
    return this.buf.subarray(0, this.pos);
  }
}

export class ProtoReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** a varint as a JS number (exact up to 2^53; larger values, e.g. random uint64 ids, lose precision) */
  varint(): number {
    const b = this.buf;
    let lo = 0;
    let shift = 0;
    // the first 4 bytes fit a 28-bit int: the common case (tags, lengths, small revisions) stays in int math
    while (shift < 28) {
      if (this.pos >= this.end) throw new RangeError('protobuf: truncated varint');
      const byte = b[this.pos++]!;
      lo |= (byte & 127) << shift;
      if (byte < 128) return lo;
      shift += 7;
    }
    let value = lo;
    let mul = 2 ** 28;
    for (let i = 0; i < 6; i++) {
      if (this.pos >= this.end) throw new RangeError('protobuf: truncated varint');
      const byte = b[this.pos++]!;
      value += (byte & 127) * mul;
      if (byte < 128) return value;
      mul *= 128;
    }
    throw new RangeError('protobuf: varint longer than 10 bytes');
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  /** a length-delimited field's bytes as a view (no copy) */
  bytes(): Buffer {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new RangeError(`protobuf: length ${len} runs past the end of the message`);
    this.pos = start + len;
    return this.buf.subarray(start, start + len);
  }

  /** a nested message: a reader over its bytes; this reader moves past it */
  message(): ProtoReader {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new RangeError(`protobuf: length ${len} runs past the end of the message`);
    this.pos = start + len;
    return new ProtoReader(this.buf, start, start + len);
  }

  /** skips the value of a field with this wire type (groups included) */
  skip(wireType: number, field = 0): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.advance(this.varint());
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      case WIRE_START_GROUP:
        for (;;) {
          const tag = this.varint();
          const wt = tag & 7;
          if (wt === WIRE_END_GROUP) {
            if (tag >>> 3 !== field) throw new RangeError(`protobuf: group ${field} ended by field ${tag >>> 3}`);
            return;
          }
          this.skip(wt, tag >>> 3);
        }
      default:
        throw new RangeError(`protobuf: unexpected wire type ${wireType} for field ${field}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new RangeError(`protobuf: ${n} bytes run past the end of the message`);
    this.pos += n;
  }
}

