// Matching of node selector terms against a node's labels and fields (required and preferred
// node affinity share it). Semantics as in Kubernetes: terms are ORed, requirements in a term ANDed,
// a term with no requirements matches nothing.
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../../api/types/index.js';

function parseIntStrict(s: string): number | undefined {
  return /^-?\d+$/.test(s) ? Number(s) : undefined;
}

export function requirementMatches(req: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, req.key);
  const v = has ? values[req.key] : undefined;
  switch (req.operator) {
    case 'In':
      return v !== undefined && (req.values ?? []).includes(v);
    case 'NotIn':
      return v === undefined || !(req.values ?? []).includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || req.values?.length !== 1) return false;
      const have = parseIntStrict(v);
      const want = parseIntStrict(req.values[0]);
      if (have === undefined || want === undefined) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

export function termMatches(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!requirementMatches(r, labels)) return false;
  if (fields.length > 0) {
    const fieldValues = { 'metadata.name': nodeName };
    for (const r of fields) if (!requirementMatches(r, fieldValues)) return false;
  }
  return true;
}

export function anyTermMatches(terms: readonly NodeSelectorTerm[], labels: Record<string, string>, nodeName: string): boolean {
  for (const t of terms) if (termMatches(t, labels, nodeName)) return true;
  return false;
}
