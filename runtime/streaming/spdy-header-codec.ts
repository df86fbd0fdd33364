// SPDY/3 header compression: one zlib context per direction for the whole connection, primed
// with the SPDY/3 dictionary, each header block ending in a sync flush. Node's zlib streams are
// asynchronous, so each call waits for its flush; callers keep blocks in connection order.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { decodeHeaderBlock, encodeHeaderBlock, type SpdyHeaders } from './spdy-frames.js';

function run(z: zlib.Inflate | zlib.Deflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const onData = (b: Buffer): void => void out.push(b);
    const onError = (e: Error): void => {
      z.off('data', onData);
      reject(e);
    };
    z.on('data', onData);
    z.once('error', onError);
    z.write(input);
    z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      z.off('data', onData);
      z.off('error', onError);
      resolve(Buffer.concat(out));
    });
  });
}

export class SpdyHeaderCodec {
  private readonly inflater = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private readonly deflater = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  private chain: Promise<unknown> = Promise.resolve();

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  decode(block: Buffer): Promise<SpdyHeaders> {
    return this.serial(async () => decodeHeaderBlock(await run(this.inflater, block)));
  }

  encode(headers: SpdyHeaders): Promise<Buffer> {
    return this.serial(() => run(this.deflater, encodeHeaderBlock(headers)));
  }

  close(): void {
    this.inflater.destroy();
    this.deflater.destroy();
  }
}
