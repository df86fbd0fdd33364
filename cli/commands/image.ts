// `skiff image pull|ls|rm|import|inspect|gc [--root DIR]`: the runtime's image store for people.
// Pulls show a per-layer progress bar on a terminal and plain lines otherwise.
import { bool, FlagError, parseFlags, str, type ParsedFlags } from '../flags.js';
import { createImageStore, DEFAULT_RUNTIME_ROOT, imageStoreRoot, type LocalImageStore } from '../../runtime/images/local-image-store.js';
import type { ImageRecord, PullProgress } from '../../runtime/images/image-store.js';
import { familiarName } from '../../runtime/images/reference.js';

const USAGE = `usage: skiff image COMMAND [flags]

commands:
  pull REF [--user USER[:PASSWORD]] [--hosts-config FILE] [-q]   pull from a registry
  ls [-q] [--digests]                                             list images
  rm REF...                                                       remove images (and collect their layers)
  import FILE [--tag REF]                                         import a docker save or OCI layout tarball
  inspect REF                                                     print the image record as JSON
  gc                                                              remove blobs and layers no image uses

common flags:
  --root DIR   the runtime's root (default ${DEFAULT_RUNTIME_ROOT}); the image store is DIR/images
               and its registry hosts config DIR/images/registries.json
`;

export async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  let flags: ParsedFlags;
  try {
    flags = parseFlags(rest, {
      values: ['root', 'user', 'hosts-config', 'tag'],
      booleans: ['quiet', 'digests', 'help'],
      aliases: { q: 'quiet', u: 'user', h: 'help' },
    });
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`skiff image ${cmd}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (bool(flags, 'help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const store = createImageStore({
    root: imageStoreRoot(str(flags, 'root', DEFAULT_RUNTIME_ROOT)),
    hostsConfigPath: str(flags, 'hosts-config'),
  });
  try {
    switch (cmd) {
      case 'pull':
        return await pull(store, flags);
      case 'ls':
      case 'list':
      case 'images':
        return await list(store, flags);
      case 'rm':
      case 'remove':
      case 'rmi':
        return await remove(store, flags);
      case 'import':
      case 'load':
        return await importArchive(store, flags);
      case 'inspect':
        return await inspect(store, flags);
      case 'gc':
        return await gc(store);
      default:
        process.stderr.write(`skiff image: unknown command ${JSON.stringify(cmd)}\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    process.stderr.write(`skiff image ${cmd}: ${(e as Error).message}\n`);
    return 1;
  } finally {
    store.close();
  }
}

function one(flags: ParsedFlags, what: string): string {
  if (flags.positionals.length !== 1) throw new Error(`want exactly one ${what}, got ${flags.positionals.length}`);
  return flags.positionals[0];
}

async function pull(store: LocalImageStore, flags: ParsedFlags): Promise<number> {
  const ref = one(flags, 'image reference');
  const user = str(flags, 'user');
  let auth;
  if (user !== undefined) {
    const colon = user.indexOf(':');
    if (colon < 0) throw new Error('--user: want USER:PASSWORD');
    auth = { username: user.slice(0, colon), password: user.slice(colon + 1) };
  }
  const view = bool(flags, 'quiet') ? undefined : process.stdout.isTTY ? new TtyProgress() : new LineProgress();
  const img = await store.pull(ref, { auth, onProgress: (p) => view?.update(p) });
  view?.finish();
  process.stdout.write(bool(flags, 'quiet') ? `${img.id}\n` : `pulled ${ref}: ${img.id} (${formatBytes(img.size)})\n`);
  return 0;
}

async function list(store: LocalImageStore, flags: ParsedFlags): Promise<number> {
  const images = await store.list();
  if (bool(flags, 'quiet')) {
    for (const i of images) process.stdout.write(`${i.id}\n`);
    return 0;
  }
  const rows: string[][] = [['IMAGE', 'TAG', bool(flags, 'digests') ? 'DIGEST' : '', 'IMAGE ID', 'SIZE'].filter((c) => c !== '')];
  for (const img of images) {
    for (const name of namesOf(img)) {
      const row = [name.repo, name.tag];
      if (bool(flags, 'digests')) row.push(name.digest);
      row.push(img.id.slice(7, 19), formatBytes(img.size));
      rows.push(row);
    }
  }
  process.stdout.write(table(rows));
  return 0;
}

async function remove(store: LocalImageStore, flags: ParsedFlags): Promise<number> {
  if (flags.positionals.length === 0) throw new Error('want at least one image reference');
  let status = 0;
  for (const ref of flags.positionals) {
    try {
      const img = await store.get(ref);
      await store.remove(ref);
      process.stdout.write(`deleted: ${img?.id ?? ref}\n`);
    } catch (e) {
      process.stderr.write(`skiff image rm: ${(e as Error).message}\n`);
      status = 1;
    }
  }
  return status;
}

async function importArchive(store: LocalImageStore, flags: ParsedFlags): Promise<number> {
  const file = one(flags, 'archive file');
  const images = await store.import(file, { tag: str(flags, 'tag') });
  for (const img of images) {
    process.stdout.write(`imported ${img.repoTags.join(', ') || '<untagged>'}: ${img.id} (${formatBytes(img.size)})\n`);
  }
  return 0;
}

async function inspect(store: LocalImageStore, flags: ParsedFlags): Promise<number> {
  const ref = one(flags, 'image reference');
  const img = await store.inspect(ref);
  if (!img) throw new Error(`image ${JSON.stringify(ref)} not found`);
  process.stdout.write(`${JSON.stringify({ ...img, layerPaths: store.layerPaths(img) }, null, 2)}\n`);
  return 0;
}

async function gc(store: LocalImageStore): Promise<number> {
  const r = await store.gc();
  process.stdout.write(`removed ${r.removedBlobs} blobs and ${r.removedLayers} layers, freed ${formatBytes(r.freedBytes)}\n`);
  return 0;
}

function namesOf(img: ImageRecord): Array<{ repo: string; tag: string; digest: string }> {
  const digest = img.repoDigests[0]?.split('@')[1] ?? '<none>';
  if (img.repoTags.length === 0) {
    const repo = img.repoDigests[0]?.split('@')[0];
    return [{ repo: repo ? familiarName(repo) : '<none>', tag: '<none>', digest }];
  }
  return img.repoTags.map((t) => {
    const colon = t.lastIndexOf(':');
    const repo = t.slice(0, colon);
    const d = img.repoDigests.find((r) => r.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>';
    return { repo: familiarName(repo), tag: t.slice(colon + 1), digest: d };
  });
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] + 3))).join('')).join('\n') + '\n';
}

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** one line per layer phase change, for logs and pipes */
class LineProgress {
  private readonly phases = new Map<string, string>();

  update(p: PullProgress): void {
    if (this.phases.get(p.digest) === p.phase) return;
    this.phases.set(p.digest, p.phase);
    const size = p.phase === 'done' || p.phase === 'exists' ? ` ${formatBytes(p.total)}` : '';
    process.stdout.write(`${p.digest.slice(7, 19)}: ${p.phase}${size}\n`);
  }

  finish(): void {}
}

/** a redrawn block of per-layer bars on a terminal */
class TtyProgress {
  private readonly layers = new Map<string, PullProgress>();
  private drawn = 0;
  private last = 0;

  update(p: PullProgress): void {
    this.layers.set(p.digest, p);
    const now = Date.now();
    if (now - this.last < 80 && p.phase !== 'done' && p.phase !== 'exists') return;
    this.last = now;
    this.draw();
  }

  finish(): void {
    this.draw();
  }

  private draw(): void {
    const width = 30;
    const lines = [...this.layers.values()].map((p) => {
      const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
      const filled = Math.round(frac * width);
      const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (frac < 1 ? '>' : '=') : ''}${' '.repeat(width - filled)}]`;
      const amount = p.phase === 'downloading' ? `${formatBytes(p.done)}/${formatBytes(p.total)}` : formatBytes(p.total);
      return `${p.digest.slice(7, 19)}: ${p.phase.padEnd(11)} ${bar} ${amount}`;
    });
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    process.stdout.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.drawn = lines.length;
  }
}
