// List continue tokens: base64 of {v, rv, start}, as Kubernetes encodes them; the start key must lie
// under the listed prefix.
import { badRequest } from '../../api/status.js';

export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

export function decodeContinue(token: string, prefix: string): ContinueToken {
  let parsed: { v?: string; rv?: number; start?: string };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw badRequest(`continue key is not valid: ${JSON.stringify(token)}`);
  }
  if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string' || !parsed.start.startsWith(prefix)) {
    throw badRequest(`continue key is not valid: ${JSON.stringify(token)}`);
  }
  return { rv: parsed.rv, start: parsed.start };
}
