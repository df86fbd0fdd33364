// Pure path rules for unpacking a layer: entry names are cleaned to relative paths, and anything
// that would leave the layer (absolute paths, `..`) is refused with the entry's name.

export class LayerEscapeError extends Error {}

/** `./a//b/` → `a/b`; '' for the root; throws LayerEscapeError on absolute paths and `..` */
export function cleanEntryPath(name: string, what = 'entry'): string {
  if (name.includes('\0')) throw new LayerEscapeError(`${what} ${JSON.stringify(name)}: NUL byte in path`);
  if (name.startsWith('/')) throw new LayerEscapeError(`${what} ${JSON.stringify(name)}: absolute path escapes the layer`);
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') throw new LayerEscapeError(`${what} ${JSON.stringify(name)}: ".." escapes the layer`);
    parts.push(p);
  }
  return parts.join('/');
}

/** proper ancestors of a cleaned path, outermost first: `a/b/c` → [`a`, `a/b`] */
export function ancestors(rel: string): string[] {
  const out: string[] = [];
  let i = rel.indexOf('/');
  while (i >= 0) {
    out.push(rel.slice(0, i));
    i = rel.indexOf('/', i + 1);
  }
  return out;
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export type WhiteoutKind = { kind: 'opaque'; dir: string } | { kind: 'whiteout'; path: string } | { kind: 'none' };

/** OCI whiteout recognition on a cleaned path */
export function classifyWhiteout(rel: string): WhiteoutKind {
  const slash = rel.lastIndexOf('/');
  const dir = slash < 0 ? '' : rel.slice(0, slash);
  const base = rel.slice(slash + 1);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (base.startsWith(WHITEOUT_PREFIX)) {
    const target = base.slice(WHITEOUT_PREFIX.length);
    if (target === '' || target === '.' || target === '..') {
      throw new LayerEscapeError(`whiteout ${JSON.stringify(rel)}: invalid target ${JSON.stringify(target)}`);
    }
    return { kind: 'whiteout', path: dir ? `${dir}/${target}` : target };
  }
  return { kind: 'none' };
}
