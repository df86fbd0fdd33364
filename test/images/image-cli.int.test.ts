// `skiff image` end to end (in process): import, ls, inspect, pull with plain progress lines,
// rm refused for unknown images, gc, and flag errors.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { run } from '../../cli/commands/image.js';
import { buildBusyboxTestArchive, pushBusyboxImage, type PushedImage } from '../fixtures/busybox-image.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry.js';

let registry: TestRegistry;
let pushed: PushedImage;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-image-cli-'));
  registry = await startRegistry();
  pushed = await pushBusyboxImage(registry.host, 'cli/busybox:1');
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function skiffImage(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await run(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

test('import, ls, inspect, pull, rm, gc', async () => {
  const root = path.join(dir, 'root');
  const archive = path.join(dir, 'oci.tar');
  const built = await buildBusyboxTestArchive(archive, 'docker.io/library/skiff-cli:v1');

  const imp = await skiffImage('import', archive, '--root', root);
  expect(imp).toMatchObject({ code: 0 });
  expect(imp.out).toContain(`imported docker.io/library/skiff-cli:v1: ${built.configDigest}`);

  const pull = await skiffImage('pull', pushed.ref, '--root', root);
  expect(pull.code).toBe(0);
  // not a terminal: one plain line per layer phase
  for (const d of pushed.layerDigests) expect(pull.out).toMatch(new RegExp(`${d.slice(7, 19)}: (done|exists)`));
  expect(pull.out).toContain(`pulled ${pushed.ref}: ${pushed.configDigest}`);

  const ls = await skiffImage('ls', '--root', root);
  const lines = ls.out.trim().split('\n');
  expect(lines[0]).toMatch(/^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
  expect(lines.some((l) => /^skiff-cli\s+v1\s+[a-f0-9]{12}\s/.test(l))).toBe(true);
  expect(lines.some((l) => l.startsWith(`${registry.host}/cli/busybox`))).toBe(true);
  expect((await skiffImage('ls', '-q', '--root', root)).out.trim().split('\n')).toEqual([built.configDigest]);

  const inspect = await skiffImage('inspect', 'skiff-cli:v1', '--root', root);
  const parsed = JSON.parse(inspect.out) as { id: string; layerPaths: string[] };
  expect(parsed.id).toBe(built.configDigest);
  expect(parsed.layerPaths).toHaveLength(3);

  const missing = await skiffImage('rm', 'nope:1', '--root', root);
  expect(missing.code).toBe(1);
  expect(missing.err).toContain('image "nope:1" not found');

  const rm = await skiffImage('rm', 'skiff-cli:v1', '--root', root);
  expect(rm).toMatchObject({ code: 0, out: `deleted: ${built.configDigest}\n` });
  expect((await skiffImage('ls', '-q', '--root', root)).out).toBe('');
  expect((await skiffImage('gc', '--root', root)).out).toMatch(/^removed 0 blobs and 0 layers/);
});

test('usage and flag errors', async () => {
  expect((await skiffImage('--help')).code).toBe(0);
  expect((await skiffImage()).code).toBe(2);
  const bad = await skiffImage('ls', '--nope');
  expect(bad.code).toBe(2);
  expect(bad.err).toContain('unknown flag: --nope');
  const ref = await skiffImage('pull', 'Not A Ref', '--root', path.join(dir, 'r2'));
  expect(ref.code).toBe(1);
  expect(ref.err).toContain('invalid image reference "Not A Ref"');
  const user = await skiffImage('pull', 'x', '--user', 'nopassword', '--root', path.join(dir, 'r2'));
  expect(user.err).toContain('--user: want USER:PASSWORD');
});
