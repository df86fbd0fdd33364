// How kubectl prints failures: `Error from server (NotFound): pods "x" not found`, the Invalid
// form `The Pod "x" is invalid: spec...: Required value`, and `error: ...` for local errors.
import { ApiError } from '../../client/api-error.js';
import type { StatusCause } from '../../api/types/meta.js';

function causesText(causes: StatusCause[]): string {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
  return parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
}

/** The line kubectl prints for an error; `context` (e.g. `error when creating "pod.yaml"`) goes before the message. */
export function formatError(e: unknown, context?: string): string {
  if (e instanceof ApiError) {
    const s = e.status;
    if (e.reason === 'Invalid' || e.code === 422) {
      const d = s.details;
      let head = 'The request is invalid';
      if (d && (d.kind || d.name)) head = `The ${d.kind ?? ''} ${JSON.stringify(d.name ?? '')} is invalid`;
      if (d?.causes && d.causes.length > 0) return `${head}: ${causesText(d.causes)}`;
      return `${head}: ${e.message}`;
    }
    const msg = context ? `${context}: ${e.message}` : e.message;
    return `Error from server (${e.reason}): ${msg}`;
  }
  const sys = e as { code?: unknown; address?: unknown; port?: unknown };
  if (sys && sys.code === 'ECONNREFUSED' && typeof sys.address === 'string') {
    const host = sys.address.includes(':') ? `[${sys.address}]` : sys.address;
    return `The connection to the server ${host}:${String(sys.port)} was refused - did you specify the right host or port?`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return `error: ${context ? `${context}: ` : ''}${msg}`;
}
