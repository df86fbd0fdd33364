// Reads the objects of `-f FILE|DIR|URL|-` (repeatable; `-R` recurses into directories):
// multi-document YAML or JSON, `kind: List` expanded, empty documents skipped.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../api/types/meta.js';

export interface ManifestObject {
  /** what the object came from, as kubectl names it in messages */
  source: string;
  obj: KubeObject;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function filesOf(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...filesOf(p, recursive));
    } else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      out.push(p);
    }
  }
  return out;
}

/** Parses one text into objects; `source` names it in errors. */
export function parseManifests(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  const docs = parseAllDocuments(text);
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) throw new Error(`error parsing ${source}: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`error parsing ${source}: a document is not an object`);
    const obj = value as KubeObject;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      for (const item of obj.items as KubeObject[]) objects.push(item);
      continue;
    }
    if (!obj.kind) throw new Error(`error validating data: kind not set in ${source}`);
    if (!obj.apiVersion) throw new Error(`error validating data: apiVersion not set in ${source}`);
    objects.push(obj);
  }
  return objects;
}

export async function readManifests(filenames: string[], recursive: boolean, stdin: Readable): Promise<ManifestObject[]> {
  if (filenames.length === 0) throw new Error('must specify one of -f and -k');
  const out: ManifestObject[] = [];
  for (const f of filenames) {
    if (f === '-') {
      const text = await readStream(stdin);
      out.push(...parseManifests(text, 'STDIN').map((obj) => ({ source: 'STDIN', obj })));
      continue;
    }
    if (/^https?:\/\//.test(f)) {
      const res = await fetch(f);
      if (!res.ok) throw new Error(`unable to read URL "${f}", server reported ${res.status} ${res.statusText}, status code=${res.status}`);
      out.push(...parseManifests(await res.text(), f).map((obj) => ({ source: f, obj })));
      continue;
    }
    let st;
    try {
      st = statSync(f);
    } catch {
      throw new Error(`the path "${f}" does not exist`);
    }
    const files = st.isDirectory() ? filesOf(f, recursive) : [f];
    for (const file of files) {
      out.push(...parseManifests(readFileSync(file, 'utf8'), file).map((obj) => ({ source: file, obj })));
    }
  }
  if (out.length === 0) throw new Error('no objects passed to apply');
  return out;
}
