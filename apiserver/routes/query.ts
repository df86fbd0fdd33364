// Query-string parameters of resource requests, parsed and checked.
import { badRequest } from '../../api/status.js';
import type { DeleteOptions } from '../../api/types/meta.js';
import type { FieldValidation } from '../registry/registry.js';

export type Query = URLSearchParams;

export function intParam(q: Query, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid ${name}: ${JSON.stringify(v)}: must be an integer`);
  return n;
}

export function boolParam(q: Query, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

export function fieldValidationParam(q: Query): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(v)}: supported values: "Ignore", "Strict", "Warn"`);
}

export function dryRunParam(q: Query): boolean {
  const all = q.getAll('dryRun');
  for (const v of all) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(v)}: supported values: "All"`);
  return all.length > 0;
}

/** DeleteOptions from the body (if any) overlaid with query parameters. */
export function deleteOptions(body: unknown, q: Query): DeleteOptions {
  const opts: DeleteOptions = body && typeof body === 'object' ? { ...(body as DeleteOptions) } : {};
  const grace = intParam(q, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const pp = q.get('propagationPolicy');
  if (pp) opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(opts.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  if (q.getAll('dryRun').length) opts.dryRun = q.getAll('dryRun');
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 0;
  return opts;
}
