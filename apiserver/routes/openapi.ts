// A minimal /openapi/v3: one document per group-version listing PATCH operations tagged with the
// GVK and a fieldValidation parameter, enough for kubectl's default validation (it then sends
// fieldValidation=Strict and leaves checking to the server).
import { createHash } from 'node:crypto';
import { RESOURCES, resourcePath } from '../../api/resources.js';
import { groupVersions } from './discovery.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openapiGroupDoc(group: string, version: string): unknown | undefined {
  if (!groupVersions().some((g) => g.group === group && g.version === version)) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
    const p = resourcePath(r, r.namespaced ? '{namespace}' : undefined, '{name}').replace(/%7B/g, '{').replace(/%7D/g, '}');
    paths[p] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}

const hashes = new Map<string, string>();

function docHash(group: string, version: string): string {
  const k = `${group}/${version}`;
  let h = hashes.get(k);
  if (!h) {
    h = createHash('sha512').update(JSON.stringify(openapiGroupDoc(group, version))).digest('hex').slice(0, 64).toUpperCase();
    hashes.set(k, h);
  }
  return h;
}

export function openapiRoot(): unknown {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions()) {
    const p = gvPath(gv.group, gv.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${docHash(gv.group, gv.version)}` };
  }
  return { paths };
}

/** `/openapi/v3/api/v1` → ['', 'v1']; `/openapi/v3/apis/apps/v1` → ['apps', 'v1']. */
export function parseOpenapiPath(rest: string): { group: string; version: string } | undefined {
  const parts = rest.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts.length === 2) return { group: '', version: parts[1]! };
  if (parts[0] === 'apis' && parts.length === 3) return { group: parts[1]!, version: parts[2]! };
  return undefined;
}
