// The built-in busybox image: an OCI layout tarball with one layer made from the host's static
// busybox (Debian's busybox-static at /usr/bin/busybox), so `image: busybox` works offline.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeOciArchive, type OciArchive } from './oci-archive-writer.js';
import { TarWriter, type TarWriteEntry } from './tar-writer.js';
import type { ImageConfig, ImageRecord, ImageStore } from './image-store.js';

const run = promisify(execFile);

export const BUSYBOX_PATH = '/usr/bin/busybox';
export const BUSYBOX_CONFIG: ImageConfig = {
  Cmd: ['sh'],
  Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
};

export interface BusyboxRootfsOptions {
  busyboxPath?: string;
  /** seconds since the epoch for every entry (default: the busybox binary's mtime) */
  mtime?: number;
}

/** the entries of a minimal busybox root filesystem, parents before children */
export async function busyboxRootfsEntries(opts: BusyboxRootfsOptions = {}): Promise<TarWriteEntry[]> {
  const bin = opts.busyboxPath ?? BUSYBOX_PATH;
  const [data, st, list] = await Promise.all([readFile(bin), stat(bin), run(bin, ['--list-full'])]);
  const mtime = opts.mtime ?? Math.floor(st.mtimeMs / 1000);
  const dir = (name: string, mode = 0o755): TarWriteEntry => ({ name, type: 'directory', mode, mtime });
  const file = (name: string, text: string, mode = 0o644): TarWriteEntry => ({
    name,
    type: 'file',
    mode,
    mtime,
    data: Buffer.from(text),
  });
  const entries: TarWriteEntry[] = [
    ...['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'dev', 'proc', 'sys', 'var', 'var/www', 'home'].map((d) =>
      dir(d),
    ),
    dir('root', 0o700),
    dir('tmp', 0o1777),
    { name: 'bin/busybox', type: 'file', mode: 0o755, mtime, data },
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n'),
    file('etc/group', 'root:x:0:\nnobody:x:65534:\n'),
    file('etc/hostname', 'busybox\n'),
  ];
  const applets = list.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'bin/busybox' && l.includes('/'))
    .sort();
  for (const applet of applets) {
    entries.push({ name: applet, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime });
  }
  return entries;
}

export function tarOf(entries: TarWriteEntry[]): Buffer {
  const w = new TarWriter();
  for (const e of entries) w.add(e);
  return w.finish();
}

/** writes an OCI layout tarball holding the busybox image under `ref` */
export async function buildBusyboxImageArchive(
  outFile: string,
  opts: { ref?: string } & BusyboxRootfsOptions = {},
): Promise<OciArchive> {
  const entries = await busyboxRootfsEntries(opts);
  const mtime = entries[0]?.mtime ?? 0;
  return writeOciArchive(outFile, {
    layers: [tarOf(entries)],
    config: BUSYBOX_CONFIG,
    ref: opts.ref ?? 'docker.io/library/busybox:latest',
    gzip: false,
    mtime,
  });
}

/** imports the built-in busybox image under `ref` unless the store already has that name */
export async function ensureBusyboxImage(store: ImageStore, ref = 'docker.io/library/busybox:latest'): Promise<ImageRecord> {
  const existing = await store.get(ref);
  if (existing) return existing;
  const dir = await mkdtemp(path.join(tmpdir(), 'skiff-busybox-image-'));
  try {
    const file = path.join(dir, 'busybox.tar');
    await buildBusyboxImageArchive(file, { ref });
    const [image] = await store.import(file);
    return image;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
