// Copies a layer blob's bytes to a file while they pass on to the unpacker, hashing them, so one
// pass over the download both stores the blob and unpacks it. The caller checks the digest and
// commits the file into the content store.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { BlobInfo } from './content-store.js';

export interface BlobTee {
  chunks: AsyncGenerator<Buffer>;
  /** digest and size of everything that passed; valid once `chunks` has ended */
  result(): BlobInfo;
}

export function teeToFile(source: AsyncIterable<Buffer>, file: string): BlobTee {
  const hash = createHash('sha256');
  let size = 0;
  let digest: string | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    const fd = fs.openSync(file, 'wx', 0o644);
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
        yield chunk;
      }
      digest = `sha256:${hash.digest('hex')}`;
    } finally {
      fs.closeSync(fd);
    }
  }
  return {
    chunks: chunks(),
    result: () => {
      if (!digest) throw new Error(`blob copy to ${file} is incomplete`);
      return { digest, size };
    },
  };
}
