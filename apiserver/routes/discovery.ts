// Discovery documents built from RESOURCES: legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and
// aggregated (apidiscovery.k8s.io v2 and v2beta1).
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { METRICS_RESOURCES } from './metrics-objects.js';

/** Subresources and what they answer with. */
const SUBRESOURCE_KIND: Record<string, { group: string; version: string; kind: string } | undefined> = {
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  binding: { group: '', version: 'v1', kind: 'Binding' },
  proxy: { group: '', version: 'v1', kind: 'NodeProxyOptions' },
};

function subresourceVerbs(sub: string): string[] {
  switch (sub) {
    case 'status':
    case 'scale':
      return ['get', 'patch', 'update'];
    case 'binding':
      return ['create'];
    case 'log':
    case 'proxy':
      return ['get'];
    default:
      return ['create', 'get'];
  }
}

/** Groups in serving order: core first, then the named groups. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  seen.set('authentication.k8s.io/v1', { group: 'authentication.k8s.io', version: 'v1' });
  seen.set('metrics.k8s.io/v1beta1', { group: 'metrics.k8s.io', version: 'v1beta1' });
  return [...seen.values()];
}

function resourcesOf(group: string, version: string): ResourceInfo[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

export function legacyApiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function legacyApiGroupList(): unknown {
  const groups = groupVersions().filter((gv) => gv.group !== '');
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((gv) => ({
      name: gv.group,
      versions: [{ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }],
      preferredVersion: { groupVersion: `${gv.group}/${gv.version}`, version: gv.version },
    })),
  };
}

export function legacyApiGroup(group: string): unknown | undefined {
  const gv = groupVersions().find((g) => g.group === group);
  if (!gv || !group) return undefined;
  const v = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [v], preferredVersion: v };
}

export function legacyResourceList(group: string, version: string): unknown | undefined {
  if (!groupVersions().some((g) => g.group === group && g.version === version)) return undefined;
  const resources: unknown[] = [];
  for (const r of resourcesOf(group, version)) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources) {
      const rk = SUBRESOURCE_KIND[sub];
      resources.push({
        name: `${r.resource}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(rk && rk.group !== group ? { group: rk.group, version: rk.version } : {}),
        kind: rk?.kind ?? r.kind,
        verbs: subresourceVerbs(sub),
      });
    }
  }
  if (group === 'authentication.k8s.io') {
    resources.push({ name: 'tokenreviews', singularName: 'tokenreview', namespaced: false, kind: 'TokenReview', verbs: ['create'] });
  }
  if (group === 'metrics.k8s.io') resources.push(...METRICS_RESOURCES);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function aggregatedResources(group: string, version: string): unknown[] {
  const out: unknown[] = resourcesOf(group, version).map((r) => ({
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? {
          subresources: r.subresources.map((sub) => ({
            subresource: sub,
            responseKind: SUBRESOURCE_KIND[sub] ?? { group: r.group, version: r.version, kind: r.kind },
            verbs: subresourceVerbs(sub),
          })),
        }
      : {}),
  }));
  if (group === 'authentication.k8s.io') {
    out.push({ resource: 'tokenreviews', responseKind: { group, version, kind: 'TokenReview' }, scope: 'Cluster', singularResource: 'tokenreview', verbs: ['create'] });
  }
  if (group === 'metrics.k8s.io') {
    for (const r of METRICS_RESOURCES) out.push({ resource: r.name, responseKind: { group, version, kind: r.kind }, scope: r.namespaced ? 'Namespaced' : 'Cluster', singularResource: r.singularName, verbs: r.verbs });
  }
  return out;
}

/** `/api` (core) or `/apis` (named groups) as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1'): unknown {
  const gvs = groupVersions().filter((gv) => (gv.group === '') === core);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: gvs.map((gv) => ({
      metadata: { name: gv.group, creationTimestamp: null },
      versions: [{ version: gv.version, resources: aggregatedResources(gv.group, gv.version), freshness: 'Current' }],
    })),
  };
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
