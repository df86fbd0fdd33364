// A client for the OCI distribution API v2: `GET /v2/`, manifests by tag or digest with the
// Accept list of OCI index/manifest and Docker schema 2 list/manifest, and blobs as streams.
// Each endpoint (mirrors first, then the registry) is tried in order; 401s are answered through
// the Authorizer (Basic or Bearer) and retried once.
import type { IncomingMessage } from 'node:http';
import { Authorizer, pullScope } from './auth.js';
import { sha256Digest } from './digest.js';
import { DigestMismatchError, RegistryError, RegistryNotFoundError, RegistryUnauthorizedError } from './errors.js';
import { endpointsFor, type HostsConfig, type RegistryEndpoint } from './hosts-config.js';
import { HttpTransport } from './http-transport.js';
import type { AuthConfig } from './image-store.js';
import { MANIFEST_ACCEPT, type Descriptor } from './media-types.js';
import { formatReference, type ImageReference } from './reference.js';
import type { BlobRequest } from './remote-blob.js';

export interface ResolvedManifest {
  endpoint: RegistryEndpoint;
  /** sha256 of the manifest bytes */
  digest: string;
  mediaType: string;
  body: Buffer;
}

export interface RegistryClientOptions {
  hosts: HostsConfig;
  /** credentials for the reference's own registry (overrides the hosts config) */
  auth?: AuthConfig;
  transport: HttpTransport;
}

export class RegistryClient {
  private readonly authorizer: Authorizer;
  private readonly pinged = new Set<string>();

  constructor(private readonly opts: RegistryClientOptions) {
    this.authorizer = new Authorizer(opts.transport, (ep) => (!ep.mirror && opts.auth ? opts.auth : ep.auth));
  }

  /** the manifest (or index) a reference names, from the first endpoint that has it */
  async resolve(ref: ImageReference): Promise<ResolvedManifest> {
    const errors: string[] = [];
    const eps = endpointsFor(ref.domain, this.opts.hosts);
    for (const [i, ep] of eps.entries()) {
      try {
        await this.ping(ep, ref.path);
        const res = await this.get(ep, `/v2/${ref.path}/manifests/${ref.digest ?? ref.tag}`, ref.path, {
          accept: MANIFEST_ACCEPT.join(', '),
        });
        const body = await HttpTransport.readBody(res, 4 * 1024 * 1024);
        const digest = sha256Digest(body);
        if (ref.digest && digest !== ref.digest) {
          throw new DigestMismatchError(`manifest of ${formatReference(ref)}`, ref.digest, digest);
        }
        const mediaType = manifestMediaType(res, body);
        return { endpoint: ep, digest, mediaType, body };
      } catch (e) {
        // a mirror's failure falls through to the next endpoint; the registry's own is final
        if (i === eps.length - 1 || e instanceof DigestMismatchError) {
          if (errors.length && e instanceof Error) e.message += ` (mirrors: ${errors.join('; ')})`;
          throw e;
        }
        errors.push(`${ep.base}: ${(e as Error).message}`);
      }
    }
    throw new RegistryError(`no endpoint for ${ref.domain}`);
  }

  /** a manifest by digest from the endpoint that resolved the reference, verified */
  async fetchManifest(ep: RegistryEndpoint, repoPath: string, desc: Descriptor): Promise<ResolvedManifest> {
    const res = await this.get(ep, `/v2/${repoPath}/manifests/${desc.digest}`, repoPath, { accept: MANIFEST_ACCEPT.join(', ') });
    const body = await HttpTransport.readBody(res, 4 * 1024 * 1024);
    const digest = sha256Digest(body);
    if (digest !== desc.digest) throw new DigestMismatchError(`manifest ${desc.digest}`, desc.digest, digest);
    return { endpoint: ep, digest, mediaType: manifestMediaType(res, body, desc.mediaType), body };
  }

  /** a blob's bytes as they arrive (the caller verifies them) */
  async fetchBlob(ep: RegistryEndpoint, repoPath: string, desc: Descriptor): Promise<IncomingMessage> {
    return this.get(ep, `/v2/${repoPath}/blobs/${desc.digest}`, repoPath, {});
  }

  /**
   * The blob's GET as data, with the credentials known now, for an unpack worker to send itself
   * (see remote-blob.ts); when it is refused, `fetchBlob` handles the answer.
   */
  blobRequest(ep: RegistryEndpoint, repoPath: string, desc: Descriptor): BlobRequest {
    const sent = this.authorizer.headerFor(ep, pullScope(repoPath));
    return {
      url: `${ep.base}/v2/${repoPath}/blobs/${desc.digest}`,
      headers: sent ? { authorization: sent } : {},
      skipVerify: ep.skipVerify,
      ...(ep.ca ? { ca: ep.ca } : {}),
    };
  }

  /** `GET /v2/`: checks the endpoint speaks the API and learns its auth challenge */
  private async ping(ep: RegistryEndpoint, repoPath: string): Promise<void> {
    if (this.pinged.has(ep.base)) return;
    const res = await this.opts.transport.request(`${ep.base}/v2/`, { skipVerify: ep.skipVerify, ca: ep.ca });
    res.resume();
    const status = res.statusCode ?? 0;
    if (status === 401) {
      await this.authorizer.onUnauthorized(ep, headerOf(res, 'www-authenticate'), pullScope(repoPath));
    } else if (status === 404) {
      throw new RegistryError(`${ep.base}: not a registry (GET /v2/ answered 404)`, status);
    } else if (status >= 300) {
      throw new RegistryError(`${ep.base}: GET /v2/ answered HTTP ${status}`, status);
    }
    this.pinged.add(ep.base);
  }

  private async get(ep: RegistryEndpoint, path: string, repoPath: string, headers: Record<string, string>): Promise<IncomingMessage> {
    const scope = pullScope(repoPath);
    const url = `${ep.base}${path}`;
    for (let attempt = 0; ; attempt++) {
      const sent = this.authorizer.headerFor(ep, scope);
      const res = await this.opts.transport.request(url, {
        headers: { ...headers, ...(sent ? { authorization: sent } : {}) },
        skipVerify: ep.skipVerify,
        ca: ep.ca,
      });
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return res;
      const body = (await HttpTransport.readBody(res, 64 * 1024).catch(() => Buffer.alloc(0))).toString();
      if (status === 401 && attempt === 0) {
        if (await this.authorizer.onUnauthorized(ep, headerOf(res, 'www-authenticate'), scope, sent)) continue;
      }
      const detail = registryErrorText(body);
      if (status === 401 || status === 403) {
        throw new RegistryUnauthorizedError(
          `GET ${url}: ${status === 401 ? 'unauthorized' : 'forbidden'}${sent ? ' (credentials refused)' : ' (credentials required)'}${detail}`,
          status,
        );
      }
      if (status === 404) throw new RegistryNotFoundError(`GET ${url}: not found${detail}`, status);
      throw new RegistryError(`GET ${url}: HTTP ${status}${detail}`, status);
    }
  }
}

function headerOf(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** the media type from the body's own `mediaType`, else the Content-Type header */
function manifestMediaType(res: IncomingMessage, body: Buffer, fallback?: string): string {
  try {
    const parsed = JSON.parse(body.toString()) as { mediaType?: string; manifests?: unknown; layers?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
  } catch {
    throw new RegistryError(`manifest is not JSON (content-type ${JSON.stringify(res.headers['content-type'] ?? '')})`);
  }
  const ct = (res.headers['content-type'] ?? '').split(';')[0].trim();
  return ct || fallback || '';
}

function registryErrorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    const errs = parsed.errors?.map((e) => [e.code, e.message].filter(Boolean).join(': ')).filter(Boolean);
    if (errs?.length) return ` (${errs.join('; ')})`;
  } catch {
    // not a registry error body
  }
  return '';
}
