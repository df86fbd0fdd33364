// A layer blob's GET as plain data (URL, headers with the credentials, TLS settings), so that an
// unpack worker can send it itself and read the body where it is unpacked, with no copy through
// the main thread. Any answer but the blob is handed back for the registry client to deal with
// (a 401 to re-authorize, a 404 to report).
import type { IncomingMessage } from 'node:http';
import type { HttpTransport } from './http-transport.js';

export interface BlobRequest {
  url: string;
  headers: Record<string, string>;
  skipVerify: boolean;
  ca?: string;
}

/** the registry answered a blob request with something other than the blob */
export class BlobRequestRefusedError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`GET ${url}: HTTP ${status}`);
  }
}

/** sends the request; the response when it carries the blob (2xx after redirects) */
export async function openBlob(transport: HttpTransport, req: BlobRequest): Promise<IncomingMessage> {
  const res = await transport.request(req.url, { headers: req.headers, skipVerify: req.skipVerify, ca: req.ca });
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return res;
  res.resume();
  throw new BlobRequestRefusedError(req.url, status);
}
