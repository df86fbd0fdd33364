// One pass over a layer blob's bytes: optionally copy them to a blob file (hashing them), and
// unpack them. Runs in an unpack worker or inline.
import { teeToFile } from './blob-tee.js';
import type { BlobInfo } from './content-store.js';
import { unpackLayer, type UnpackResult } from './layer-unpacker.js';

export interface TeeUnpackResult extends UnpackResult {
  /** the raw bytes' digest and size, when they were copied to a blob file */
  blob?: BlobInfo;
}

export async function unpackTee(source: AsyncIterable<Buffer>, dest: string, blobFile?: string): Promise<TeeUnpackResult> {
  if (!blobFile) return unpackLayer(source, dest);
  const tee = teeToFile(source, blobFile);
  const r = await unpackLayer(tee.chunks, dest);
  return { ...r, blob: tee.result() };
}
