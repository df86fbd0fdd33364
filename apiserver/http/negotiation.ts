// Content negotiation: request body media types, and whether the client asked for a Table or an
// aggregated discovery document (and in which version).
import { parse as parseYaml } from 'yaml';
import { badRequest, unsupportedMediaType } from '../../api/status.js';

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export type PatchKind = 'merge' | 'json' | 'strategic' | 'apply';

export function patchKindOf(contentType: string | undefined): PatchKind {
  switch (mediaType(contentType)) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
}

/** Decodes a JSON or YAML body; malformed input is a 400 that quotes the parser's complaint. */
export function decodeBody(body: Buffer | undefined, contentType: string | undefined, allowYaml = true): unknown {
  const text = body?.toString('utf8') ?? '';
  if (!text.trim()) throw badRequest('the request body is empty; expected an object');
  const mt = mediaType(contentType);
  const yaml = mt === 'application/yaml' || mt === 'application/apply-patch+yaml' || mt === 'text/yaml';
  if (yaml && !allowYaml) throw unsupportedMediaType(`the body of the request was in an unknown format: ${mt}`);
  if (mt && !yaml && !mt.endsWith('json') && mt !== 'application/vnd.kubernetes.protobuf' && mt !== '*/*') {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  try {
    if (yaml) {
      // apply-patch+yaml bodies are usually JSON (a subset of YAML); parse JSON first for speed
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return parseYaml(text, { uniqueKeys: true }) as unknown;
      }
    }
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`error decoding ${yaml ? 'YAML' : 'JSON'} body: ${(e as Error).message.split('\n')[0]}`);
  }
}

export interface AcceptInfo {
  table: boolean;
  /** aggregated discovery version the client listed first, if any */
  discovery?: 'v2' | 'v2beta1';
}

export function parseAccept(accept: string | undefined): AcceptInfo {
  const out: AcceptInfo = { table: false };
  if (!accept) return out;
  for (const part of accept.split(',')) {
    const params = new Map<string, string>();
    for (const p of part.split(';').slice(1)) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k && v !== undefined) params.set(k, v);
    }
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io' && (params.get('v') === 'v1' || params.get('v') === 'v1beta1')) out.table = true;
    if (!out.discovery && params.get('as') === 'APIGroupDiscoveryList' && params.get('g') === 'apidiscovery.k8s.io') {
      const v = params.get('v');
      if (v === 'v2' || v === 'v2beta1') out.discovery = v;
    }
  }
  return out;
}
