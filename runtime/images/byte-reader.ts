// Reads exact byte counts and bounded chunk runs from an async stream of Buffers, without copying
// the large chunks through. The tar reader sits on top of it.

export class TruncatedInputError extends Error {}

export class ByteReader {
  private readonly it: AsyncIterator<Buffer>;
  private head: Buffer = Buffer.alloc(0);
  /** bytes of the current bounded run (see `chunks`) not yet handed out */
  pending = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    const r = await this.it.next();
    if (r.done) return false;
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
    return true;
  }

  /** exactly n bytes; null when the input ended before the first byte */
  async readExact(n: number): Promise<Buffer | null> {
    while (this.head.length < n) {
      if (!(await this.fill())) {
        if (this.head.length === 0) return null;
        throw new TruncatedInputError(`input truncated: wanted ${n} bytes, got ${this.head.length}`);
      }
    }
    const out = this.head.subarray(0, n);
    this.head = this.head.subarray(n);
    return out;
  }

  /** starts a bounded run of n bytes, handed out by `chunks()` or dropped by `skipPending()` */
  startRun(n: number): void {
    this.pending = n;
  }

  async *chunks(): AsyncGenerator<Buffer> {
    while (this.pending > 0) {
      if (this.head.length === 0 && !(await this.fill())) {
        throw new TruncatedInputError(`input truncated: ${this.pending} bytes missing`);
      }
      const take = Math.min(this.pending, this.head.length);
      const out = this.head.subarray(0, take);
      this.head = this.head.subarray(take);
      this.pending -= take;
      yield out;
    }
  }

  async skipPending(): Promise<void> {
    const n = this.pending;
    this.pending = 0;
    await this.skip(n);
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.head.length === 0 && !(await this.fill())) {
        throw new TruncatedInputError(`input truncated: ${left} bytes missing`);
      }
      const take = Math.min(left, this.head.length);
      this.head = this.head.subarray(take);
      left -= take;
    }
  }

  /** stops the underlying source early (its generators run their cleanup) */
  async close(): Promise<void> {
    await this.it.return?.();
  }

  /** drains the rest of the input (e.g. zero padding after a tar's end blocks) */
  async drain(): Promise<void> {
    this.head = Buffer.alloc(0);
    while (await this.fill()) this.head = Buffer.alloc(0);
  }
}
