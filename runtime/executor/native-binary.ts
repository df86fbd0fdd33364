// Finds the native helper (dist/native/skiff-native, or $SKIFF_NATIVE_BIN) and, once per process,
// loads it into a sealed memfd so that every helper this process starts runs from an immutable
// copy (CVE-2019-5736) without paying for the copy on each start.
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memfdCreate, sealMemfd } from '../sys/libc.js';

export function findNativeBinary(): string {
  const env = process.env.SKIFF_NATIVE_BIN;
  if (env) return env;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'dist', 'native', 'skiff-native');
    if (existsSync(candidate)) return candidate;
    const sibling = join(dir, 'native', 'skiff-native');
    if (existsSync(sibling)) return sibling;
    dir = dirname(dir);
  }
  throw new Error('native helper not found: run `npm run build` (dist/native/skiff-native) or set SKIFF_NATIVE_BIN');
}

const sealed = new Map<string, string>();

/** a path that executes a sealed in-memory copy of BINARY (falls back to BINARY itself) */
export function sealedBinaryPath(binary: string): string {
  const known = sealed.get(binary);
  if (known) return known;
  let path = binary;
  try {
    const fd = memfdCreate('skiff-native');
    const data = readFileSync(binary);
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
    sealMemfd(fd);
    path = `/proc/${process.pid}/fd/${fd}`;
  } catch {
    // the helper seals itself when started from a plain file
  }
  sealed.set(binary, path);
  return path;
}
