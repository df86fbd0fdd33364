// Field selectors (k8s.io/apimachinery pkg/fields): `a=b`, `a==b`, `a!=b`, comma-separated, with
// `\` escaping `,`, `=` and `!` inside values; and the fields each resource can be selected by.
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types/meta.js';
import { badRequest } from '../status.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
}

/** Splits on `sep` where it is not escaped by a backslash. */
function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

function unescapeValue(term: string, v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\') {
      const n = v[i + 1];
      if (n === undefined || !'\\,=!'.includes(n)) throw badRequest(`invalid field selector: invalid escape sequence in ${JSON.stringify(term)}`);
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: unescaped ${JSON.stringify(c)} in ${JSON.stringify(term)}`);
    } else {
      out += c;
    }
  }
  return out;
}

/** Parses `metadata.name=nginx,spec.nodeName!=` (empty string: everything). */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  if (text.trim() === '') return { requirements };
  for (const term of splitUnescaped(text, ',')) {
    let m: RegExpExecArray | null = null;
    for (const [re, op] of [
      [/^([^=!]*)!=(.*)$/s, '!='],
      [/^([^=!]*)==(.*)$/s, '='],
      [/^([^=!]*)=(.*)$/s, '='],
    ] as const) {
      m = re.exec(term);
      if (m) {
        const field = m[1]!.trim();
        if (!field) throw badRequest(`invalid field selector: ${JSON.stringify(term)} has no field name`);
        requirements.push({ field, operator: op, value: unescapeValue(term, m[2]!) });
        break;
      }
    }
    if (!m) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
  }
  return { requirements };
}

export function fieldSelectorToString(s: FieldSelector): string {
  const esc = (v: string): string => v.replace(/[\\,=!]/g, (c) => `\\${c}`);
  return s.requirements.map((r) => `${r.field}${r.operator}${esc(r.value)}`).join(',');
}

type FieldGetter = (o: KubeObject) => unknown;

function path(...keys: string[]): FieldGetter {
  return (o) => {
    let cur: unknown = o;
    for (const k of keys) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[k];
    }
    return cur;
  };
}

const COMMON: Record<string, FieldGetter> = {
  'metadata.name': path('metadata', 'name'),
  'metadata.namespace': path('metadata', 'namespace'),
};

/** The selectable fields of each resource, keyed `group/resource` (core: `/pods`). */
const FIELDS: Record<string, Record<string, FieldGetter>> = {
  '/pods': {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => Boolean((o.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  '/events': {
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    reason: path('reason'),
    reportingComponent: path('reportingComponent'),
    source: path('source', 'component'),
    type: path('type'),
  },
  '/nodes': { 'spec.unschedulable': (o) => Boolean((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable) },
  '/namespaces': { 'status.phase': path('status', 'phase') },
  'apps/replicasets': { 'status.replicas': path('status', 'replicas') },
};

function gettersFor(info: Pick<ResourceInfo, 'group' | 'resource'>): Record<string, FieldGetter> {
  return { ...COMMON, ...(FIELDS[`${info.group}/${info.resource}`] ?? {}) };
}

export function supportedFields(info: Pick<ResourceInfo, 'group' | 'resource'>): string[] {
  return Object.keys(gettersFor(info));
}

/** Throws a 400 `field label not supported: <f>` for the first field the resource cannot select by. */
export function checkFieldSelector(info: Pick<ResourceInfo, 'group' | 'resource'>, s: FieldSelector): void {
  const getters = gettersFor(info);
  for (const r of s.requirements) {
    if (!(r.field in getters)) throw badRequest(`field label not supported: ${r.field}`);
  }
}

/** The selectable fields of one object as strings (missing fields are ""). */
export function objectFields(info: Pick<ResourceInfo, 'group' | 'resource'>, obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [f, get] of Object.entries(gettersFor(info))) {
    const v = get(obj);
    out[f] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

export function matchesFields(s: FieldSelector, fields: Readonly<Record<string, string>>): boolean {
  return s.requirements.every((r) => ((fields[r.field] ?? '') === r.value) === (r.operator === '='));
}

/** Parse, check against the resource, and return a predicate over objects. */
export function fieldSelectorPredicate(
  info: Pick<ResourceInfo, 'group' | 'resource'>,
  text: string,
): (obj: KubeObject) => boolean {
  const s = parseFieldSelector(text);
  checkFieldSelector(info, s);
  if (s.requirements.length === 0) return () => true;
  return (obj) => matchesFields(s, objectFields(info, obj));
}
