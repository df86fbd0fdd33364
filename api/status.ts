// Kubernetes Status errors (k8s.io/apimachinery pkg/api/errors): the HTTP code, reason, message and
// details every failing API request answers with. Messages name the resource group-qualified, as
// Kubernetes does: `deployments.apps "web" not found`, `pods "nginx" not found`.
import type { ResourceInfo } from './resources.js';
import type { Status, StatusCause, StatusDetails } from './types/meta.js';
import { type FieldError, fieldErrorBody, formatFieldErrors } from './field-errors.js';

export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
    this.name = 'StatusError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

export function makeStatus(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return s;
}

function err(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  return new StatusError(makeStatus(code, reason, message, details));
}

type ResourceRef = Pick<ResourceInfo, 'group' | 'resource'>;

/** `pods`, `deployments.apps`, `leases.coordination.k8s.io`. */
export function qualifiedResource(info: ResourceRef): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

function resourceDetails(info: ResourceRef, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: info.resource };
  if (info.group) d.group = info.group;
  return d;
}

export function notFound(info: ResourceRef, name: string): StatusError {
  return err(404, 'NotFound', `${qualifiedResource(info)} ${JSON.stringify(name)} not found`, resourceDetails(info, name));
}

/** A path the server does not serve at all. */
export function pathNotFound(): StatusError {
  return err(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(info: ResourceRef, name: string): StatusError {
  return err(409, 'AlreadyExists', `${qualifiedResource(info)} ${JSON.stringify(name)} already exists`, resourceDetails(info, name));
}

export const STALE_OBJECT_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(info: ResourceRef, name: string, msg: string = STALE_OBJECT_MESSAGE): StatusError {
  return err(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(info)} ${JSON.stringify(name)}: ${msg}`,
    resourceDetails(info, name),
  );
}

/** A 409 whose message is given whole (server-side apply conflicts). */
export function applyConflict(message: string, causes: StatusCause[] = []): StatusError {
  return err(409, 'Conflict', message, causes.length ? { causes } : undefined);
}

/** 422 Invalid. `kind` is a kind name or the ResourceInfo (then group-qualified: `Deployment.apps`). */
export function invalid(
  kind: string | Pick<ResourceInfo, 'group' | 'kind'>,
  name: string,
  causes: readonly FieldError[],
): StatusError {
  const k = typeof kind === 'string' ? kind : kind.kind;
  const group = typeof kind === 'string' ? '' : kind.group;
  const qualified = group ? `${k}.${group}` : k;
  const details: StatusDetails = {
    name,
    kind: k,
    causes: causes.map((c) => ({ reason: c.type, message: fieldErrorBody(c), field: c.field })),
  };
  if (group) details.group = group;
  const message = `${qualified} ${JSON.stringify(name)} is invalid: ${formatFieldErrors(causes)}`;
  return err(422, 'Invalid', message, details);
}

/** 422 with a message only: a patch that is well formed but cannot be applied. */
export function unprocessable(msg: string): StatusError {
  return err(422, 'Invalid', msg);
}

export function badRequest(msg: string): StatusError {
  return err(400, 'BadRequest', msg);
}

export function unauthorized(msg = 'Unauthorized'): StatusError {
  return err(401, 'Unauthorized', msg);
}

export function forbidden(msg: string): StatusError {
  return err(403, 'Forbidden', msg);
}

export function gone(msg: string): StatusError {
  return err(410, 'Expired', msg);
}

export function methodNotAllowed(msg = 'the server does not allow this method on the requested resource'): StatusError {
  return err(405, 'MethodNotAllowed', msg);
}

export function unsupportedMediaType(msg: string): StatusError {
  return err(415, 'UnsupportedMediaType', msg);
}

export function requestEntityTooLarge(msg: string): StatusError {
  return err(413, 'RequestEntityTooLarge', msg);
}

export function tooManyRequests(msg: string, retryAfterSeconds = 1): StatusError {
  return err(429, 'TooManyRequests', msg, { retryAfterSeconds });
}

export function serviceUnavailable(msg: string): StatusError {
  return err(503, 'ServiceUnavailable', msg);
}

export function internal(msg: string): StatusError {
  return err(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
}

/** Any thrown value as a Status: StatusErrors as they are, anything else as a 500. */
export function toStatus(e: unknown): Status {
  if (e instanceof StatusError) return e.status;
  const msg = e instanceof Error ? e.message : String(e);
  return internal(msg).status;
}
