// Layers the unpack workers download themselves (compiled code only: `npm run build`): the blob
// and the layer from one pass over the response, progress reported, a refused request handed to
// the main thread's download, and failures (a body longer than its descriptor, a tar-slip entry,
// an unreachable registry) reported by class with nothing written outside the layer. Also: more
// layers at once than the workers take wait their turn, and pulls through the compiled store use
// this path end to end (a Bearer registry; HTTPS with a CA file or skipVerify).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { sha256Digest } from '../../runtime/images/digest.js';
import { TarWriter, type TarWriteEntry } from '../../runtime/images/tar-writer.js';
import { requireBuilt } from '../fixtures/require-build.js';
import { makeImage, startFakeRegistry } from './fake-registry.js';

const dist = (file: string): string => fileURLToPath(new URL(`../../dist/runtime/images/${file}`, import.meta.url));

type Pool = typeof import('../../runtime/images/unpack-pool.js');
type Errors = typeof import('../../runtime/images/errors.js');
type EntryPath = typeof import('../../runtime/images/entry-path.js');
type Store = typeof import('../../runtime/images/local-image-store.js');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void> | void)();
});

function tempDir(prefix = 'skiff-test-remote-'): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tar(entries: TarWriteEntry[]): Buffer {
  const w = new TarWriter();
  for (const e of entries) w.add(e);
  return w.finish();
}

interface Served {
  url: (name: string) => string;
  requests: string[];
}

/** serves `blobs` by name on 127.0.0.1; `status` answers a name with an error instead */
async function serve(blobs: Record<string, Buffer>, status: Record<string, number> = {}): Promise<Served> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '').slice(1);
    requests.push(name);
    const code = status[name];
    if (code) {
      res.writeHead(code, { 'www-authenticate': 'Basic realm="skiff-test"' }).end('{"errors":[]}');
      return;
    }
    const body = blobs[name];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    // in pieces, as a real registry's body arrives
    let off = 0;
    const next = (): void => {
      if (off >= body.length) {
        res.end();
        return;
      }
      const piece = body.subarray(off, off + 100_000);
      off += piece.length;
      if (res.write(piece)) setImmediate(next);
      else res.once('drain', next);
    };
    next();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  return { url: (name) => `http://127.0.0.1:${port}/${name}`, requests };
}

async function* chunksOf(data: Buffer): AsyncGenerator<Buffer> {
  for (let o = 0; o < data.length; o += 64 * 1024) yield data.subarray(o, o + 64 * 1024);
}

const layerTar = tar([
  { name: 'etc', type: 'directory' },
  { name: 'etc/hello', type: 'file', data: Buffer.from('hello\n') },
  { name: 'data.bin', type: 'file', data: randomBytes(1_500_000) },
  { name: 'bin', type: 'directory' },
  ...Array.from({ length: 50 }, (_, i): TarWriteEntry => ({ name: `bin/tool${i}`, type: 'symlink', linkname: 'busybox' })),
]);
const layerGz = gzipSync(layerTar, { level: 1 });

describe('unpack workers download layers themselves', () => {
  requireBuilt(dist('unpack-pool.js'), dist('unpack-worker.js'));

  test('blob and layer from one pass, progress reported, the fallback unused', async () => {
    const pool = (await import(dist('unpack-pool.js'))) as Pool;
    expect(pool.workersAvailable()).toBe(true);
    const srv = await serve({ layer: layerGz });
    const dir = tempDir();
    const dest = path.join(dir, 'layer');
    fs.mkdirSync(dest);
    const progress: Array<[number, boolean]> = [];
    let fallbacks = 0;
    const result = await pool.unpackRemoteLayer(
      {
        request: { url: srv.url('layer'), headers: {}, skipVerify: false },
        size: layerGz.length,
        what: 'test layer',
        onProgress: (done, finished) => progress.push([done, finished]),
        fallback: () => {
          fallbacks++;
          return chunksOf(layerGz);
        },
      },
      dest,
      path.join(dir, 'blob'),
    );
    expect(result.diffId).toBe(sha256Digest(layerTar));
    expect(result.tarSize).toBe(layerTar.length);
    expect(result.blob).toEqual({ digest: sha256Digest(layerGz), size: layerGz.length });
    expect(fs.readFileSync(path.join(dir, 'blob')).equals(layerGz)).toBe(true);
    expect(fs.readFileSync(path.join(dest, 'etc/hello'), 'utf8')).toBe('hello\n');
    expect(fs.readlinkSync(path.join(dest, 'bin/tool49'))).toBe('busybox');
    expect(progress.at(-1)).toEqual([layerGz.length, true]);
    expect(fallbacks).toBe(0);
    expect(srv.requests).toEqual(['layer']);
  });

  test('a refused request (401) is handed to the main thread download, nothing written before', async () => {
    const pool = (await import(dist('unpack-pool.js'))) as Pool;
    const srv = await serve({}, { layer: 401 });
    const dir = tempDir();
    const dest = path.join(dir, 'layer');
    fs.mkdirSync(dest);
    let fallbacks = 0;
    const result = await pool.unpackRemoteLayer(
      {
        request: { url: srv.url('layer'), headers: { authorization: 'Bearer expired' }, skipVerify: false },
        size: layerGz.length,
        what: 'test layer',
        onProgress: () => undefined,
        fallback: () => {
          fallbacks++;
          // the worker's refused attempt left neither files nor a blob file behind
          expect(fs.readdirSync(dest)).toEqual([]);
          expect(fs.existsSync(path.join(dir, 'blob'))).toBe(false);
          return chunksOf(layerGz);
        },
      },
      dest,
      path.join(dir, 'blob'),
    );
    expect(fallbacks).toBe(1);
    expect(result.blob?.digest).toBe(sha256Digest(layerGz));
    expect(fs.readFileSync(path.join(dest, 'etc/hello'), 'utf8')).toBe('hello\n');
  });

  test('failures come back by class: too long a body, a tar-slip entry, an unreachable registry', async () => {
    const pool = (await import(dist('unpack-pool.js'))) as Pool;
    const { SizeMismatchError, RegistryError } = (await import(dist('errors.js'))) as Errors;
    const { LayerEscapeError } = (await import(dist('entry-path.js'))) as EntryPath;
    const outside = tempDir('skiff-test-outside-');
    const escape = `skiff-escape-${path.basename(outside)}`;
    const slip = gzipSync(tar([{ name: `../${escape}`, type: 'file', data: Buffer.from('x') }]));
    const srv = await serve({ layer: layerGz, slip });
    const remote = (url: string, size: number): Parameters<Pool['unpackRemoteLayer']>[0] => ({
      request: { url, headers: {}, skipVerify: false },
      size,
      what: 'test layer',
      onProgress: () => undefined,
      fallback: () => {
        throw new Error('the fallback must not run');
      },
    });
    const run = (r: Parameters<Pool['unpackRemoteLayer']>[0]): Promise<unknown> => {
      const dir = tempDir();
      fs.mkdirSync(path.join(dir, 'layer'));
      return pool.unpackRemoteLayer(r, path.join(dir, 'layer'), path.join(dir, 'blob')).catch((e: unknown) => e);
    };

    const tooLong = await run(remote(srv.url('layer'), 1000));
    expect(tooLong).toBeInstanceOf(SizeMismatchError);
    expect(String(tooLong)).toMatch(/test layer: size mismatch: expected 1000 bytes/);

    const slipped = await run(remote(srv.url('slip'), slip.length));
    expect(slipped).toBeInstanceOf(LayerEscapeError);
    expect(fs.existsSync(path.join(tmpdir(), escape))).toBe(false);

    const closed = await serve({});
    const deadUrl = closed.url('layer');
    await (cleanups.pop() as () => Promise<void>)();
    const unreachable = await run(remote(deadUrl, layerGz.length));
    expect(unreachable).toBeInstanceOf(RegistryError);
    expect(String(unreachable)).toMatch(/ECONNREFUSED/);
  });

  test('more layers at once than the workers take all finish', async () => {
    const pool = (await import(dist('unpack-pool.js'))) as Pool;
    const layers = Array.from({ length: 9 }, (_, i) =>
      tar([{ name: `f${i}`, type: 'file', data: Buffer.concat([Buffer.from(`layer ${i}\n`), randomBytes(200_000)]) }]),
    );
    const blobs: Record<string, Buffer> = {};
    layers.forEach((l, i) => (blobs[`l${i}`] = gzipSync(l)));
    const srv = await serve(blobs);
    const results = await Promise.all(
      layers.map((l, i) => {
        const dir = tempDir();
        fs.mkdirSync(path.join(dir, 'layer'));
        return pool.unpackRemoteLayer(
          {
            request: { url: srv.url(`l${i}`), headers: {}, skipVerify: false },
            size: blobs[`l${i}`].length,
            what: `layer ${i}`,
            onProgress: () => undefined,
            fallback: () => chunksOf(blobs[`l${i}`]),
          },
          path.join(dir, 'layer'),
          path.join(dir, 'blob'),
        );
      }),
    );
    expect(results.map((r) => r.diffId)).toEqual(layers.map((l) => sha256Digest(l)));
  });

  test('a pull through the compiled store: layers and blobs stored, a Bearer registry answered', async () => {
    const { createImageStore } = (await import(dist('local-image-store.js'))) as Store;
    const reg = await startFakeRegistry({ bearer: {} });
    cleanups.push(() => reg.stop());
    const img = makeImage([layerTar, tar([{ name: 'second', type: 'file', data: randomBytes(700_000) }])]);
    reg.add('remote/image', 'v1', img);
    const root = tempDir();
    const s = createImageStore({ root });
    cleanups.push(() => s.close());
    const phases = new Set<string>();
    const got = await s.pull(`${reg.host}/remote/image:v1`, { onProgress: (p) => phases.add(p.phase) });
    expect(got.id).toBe(img.configDigest);
    expect(phases).toContain('downloading');
    expect(phases).toContain('verifying');
    const [l0, l1] = s.layerPaths(got);
    expect(fs.readFileSync(path.join(l0, 'etc/hello'), 'utf8')).toBe('hello\n');
    expect(fs.statSync(path.join(l1, 'second')).size).toBe(700_000);
    for (const d of img.layerDigests) {
      expect(fs.readFileSync(path.join(root, 'blobs/sha256', d.slice(7))).equals(img.blobs.get(d) as Buffer)).toBe(true);
    }
    expect(fs.readdirSync(path.join(root, 'ingest'))).toEqual([]);
    // the workers' requests carried the token: each layer was fetched once, none refused and retried
    for (const d of img.layerDigests) {
      expect(reg.requests.filter((r) => r === `GET /v2/remote/image/blobs/${d}`)).toHaveLength(1);
    }
  });

  test('HTTPS: the workers verify against the CA from the hosts config, or skip verification when told', async () => {
    const { createImageStore } = (await import(dist('local-image-store.js'))) as Store;
    const dir = tempDir('skiff-test-remote-tls-');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const reg = await startFakeRegistry({ tls: { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) } });
    cleanups.push(() => reg.stop());
    const img = makeImage([layerTar]);
    reg.add('secure/app', 'v1', img);
    for (const tls of [{ ca: path.join(dir, 'cert.pem') }, { skipVerify: true }]) {
      const root = tempDir();
      const s = createImageStore({
        root,
        hostsConfig: { registries: { 'secure.skiff-test.invalid': { mirrors: [{ url: `https://${reg.host}`, ...tls }] } } },
      });
      cleanups.push(() => s.close());
      const got = await s.pull('secure.skiff-test.invalid/secure/app:v1');
      expect(fs.readFileSync(path.join(s.layerPaths(got)[0], 'etc/hello'), 'utf8')).toBe('hello\n');
    }
    // one request per pull for the layer: the workers' own TLS requests succeeded
    expect(reg.requests.filter((r) => r === `GET /v2/secure/app/blobs/${img.layerDigests[0]}`)).toHaveLength(2);
  });
});
