// A tiny in-process registry for the failure and auth tests: serves given manifests and blobs
// (which may be deliberately wrong), optionally behind a Bearer token server on the same port,
// and counts requests.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { sha256Digest } from '../../runtime/images/digest.js';
import { MEDIA } from '../../runtime/images/media-types.js';

export interface FakeImage {
  manifest: Buffer;
  digest: string;
  configDigest: string;
  layerDigests: string[];
  blobs: Map<string, Buffer>;
}

/** an OCI image (gzip layers) from uncompressed layer tars */
export function makeImage(layers: Buffer[], config: object = { Cmd: ['sh'] }): FakeImage {
  const blobs = new Map<string, Buffer>();
  const gz = layers.map((l) => gzipSync(l));
  const layerDigests = gz.map((g) => {
    const d = sha256Digest(g);
    blobs.set(d, g);
    return d;
  });
  const configBody = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config, rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256Digest(l)) } }),
  );
  const configDigest = sha256Digest(configBody);
  blobs.set(configDigest, configBody);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: configDigest, size: configBody.length },
      layers: gz.map((g, i) => ({ mediaType: MEDIA.ociLayerGzip, digest: layerDigests[i], size: g.length })),
    }),
  );
  return { manifest, digest: sha256Digest(manifest), configDigest, layerDigests, blobs };
}

export interface TokenPolicy {
  /** credentials the token server requires; undefined = anonymous tokens */
  user?: { name: string; password: string };
}

export interface FakeRegistry {
  host: string;
  /** repo path → tag or digest → manifest */
  manifests: Map<string, Map<string, Buffer>>;
  /** digest → bytes served for it (may differ from the digest on purpose) */
  blobs: Map<string, Buffer>;
  requests: string[];
  tokenRequests: Array<{ url: string; authorization?: string }>;
  add(repo: string, tag: string, image: FakeImage): void;
  /** holds requests for the blob until the returned function is called */
  hold(digest: string): () => void;
  stop(): Promise<void>;
}

export async function startFakeRegistry(opts: { bearer?: TokenPolicy; tls?: { key: Buffer; cert: Buffer } } = {}): Promise<FakeRegistry> {
  const manifests = new Map<string, Map<string, Buffer>>();
  const blobs = new Map<string, Buffer>();
  const requests: string[] = [];
  const tokenRequests: FakeRegistry['tokenRequests'] = [];
  const issued = new Set<string>();
  const holds = new Map<string, Promise<void>>();
  let host = '';
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/token') {
      tokenRequests.push({ url: req.url ?? '', authorization: req.headers.authorization });
      const want = opts.bearer?.user;
      if (want) {
        const expect = `Basic ${Buffer.from(`${want.name}:${want.password}`).toString('base64')}`;
        if (req.headers.authorization !== expect) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
          return;
        }
      }
      const token = `tok-${issued.size + 1}-${url.searchParams.get('scope') ?? ''}`;
      issued.add(token);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (opts.bearer) {
      const auth = req.headers.authorization ?? '';
      const repo = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1];
      const ok = auth.startsWith('Bearer ') && issued.has(auth.slice(7)) && (!repo || auth.includes(`repository:${repo}:pull`));
      if (!ok) {
        const scope = repo ? `,scope="repository:${repo}:pull"` : '';
        res
          .writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="fake-registry"${scope}` })
          .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
    }
    if (url.pathname === '/v2/') {
      res.writeHead(200).end('{}');
      return;
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (m && m[2] === 'manifests') {
      const body = manifests.get(m[1])?.get(m[3]);
      if (body) {
        res.writeHead(200, { 'content-type': MEDIA.ociManifest, 'docker-content-digest': sha256Digest(body) }).end(body);
        return;
      }
    }
    if (m && m[2] === 'blobs') {
      const body = blobs.get(m[3]);
      const held = holds.get(m[3]);
      if (body && held) {
        void held.then(() => res.writeHead(200, { 'content-length': body.length }).end(body));
        return;
      }
      if (body) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
        return;
      }
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND","message":"unknown"}]}');
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    manifests,
    blobs,
    requests,
    tokenRequests,
    add(repo, tag, image) {
      const byRef = manifests.get(repo) ?? new Map<string, Buffer>();
      byRef.set(tag, image.manifest);
      byRef.set(image.digest, image.manifest);
      manifests.set(repo, byRef);
      for (const [d, b] of image.blobs) blobs.set(d, b);
    },
    hold(digest) {
      let release!: () => void;
      holds.set(digest, new Promise<void>((r) => (release = r)));
      return () => {
        holds.delete(digest);
        release();
      };
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
