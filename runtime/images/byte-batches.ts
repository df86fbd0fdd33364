// Joins small chunks (a socket's reads are at most 64 KiB) into batches of at least `min` bytes:
// everything downstream (blob write, gunzip, hashing, tar parsing) costs per chunk as much as per
// byte, so a layer's bytes travel in few large pieces. A chunk already large enough passes as is.
export async function* byteBatches(source: AsyncIterable<Buffer>, min: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    if (size === 0 && chunk.length >= min) {
      yield chunk;
      continue;
    }
    parts.push(chunk);
    size += chunk.length;
    if (size < min) continue;
    const batch = Buffer.concat(parts, size);
    parts = [];
    size = 0;
    yield batch;
  }
  if (size > 0) yield parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
}
