// gRPC message framing (the body of an HTTP/2 gRPC stream): each message is a 1-byte compressed flag,
// a 4-byte big-endian length, then the message. A reader reassembles messages split across DATA
// frames (or several messages in one frame).

/** frames one message; the result is a fresh buffer of 5 + body.length bytes */
export function frameMessage(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + body.length);
  frame[0] = 0;
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, 5);
  return frame;
}

export class GrpcFrameReader {
  /** received bytes not yet consumed: a partial header or message, possibly over several chunks */
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageBytes = 512 * 1024 * 1024) {}

  /** true when bytes of an unfinished message are buffered */
  get partial(): boolean {
    return this.buffered > 0;
  }

  /** feeds a chunk; calls onMessage for every message it completes, in order */
  push(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    if (!chunk.length) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 5) {
      // a message is only joined once all of it has arrived, so a large one costs one copy
      if (this.chunks[0]!.length < 5) this.join();
      const head = this.chunks[0]!;
      if (head[0] !== 0) throw new Error(`grpc: compressed message (flag ${head[0]}) but no compression was negotiated`);
      const len = head.readUInt32BE(1);
      if (len > this.maxMessageBytes) throw new Error(`grpc: message of ${len} bytes exceeds the limit of ${this.maxMessageBytes}`);
      if (this.buffered < 5 + len) return;
      if (head.length < 5 + len) this.join();
      const buf = this.chunks[0]!;
      const message = buf.subarray(5, 5 + len);
      if (buf.length === 5 + len) this.chunks.shift();
      else this.chunks[0] = buf.subarray(5 + len);
      this.buffered -= 5 + len;
      onMessage(message);
    }
  }

  private join(): void {
    this.chunks = [Buffer.concat(this.chunks, this.buffered)];
  }
}

/** the one message of a unary response body (all its DATA frames joined) */
export function readSingleMessage(body: Buffer | undefined, method: string): Buffer {
  if (!body || body.length < 5) throw new Error(`grpc ${method}: the response has no message (${body?.length ?? 0} bytes)`);
  if (body[0] !== 0) throw new Error(`grpc ${method}: compressed response (flag ${body[0]}) but no compression was negotiated`);
  const len = body.readUInt32BE(1);
  if (body.length !== 5 + len) {
    throw new Error(`grpc ${method}: a unary response of ${body.length} bytes does not hold exactly one message of ${len} bytes`);
  }
  return body.subarray(5);
}
