// The error every client call rejects with when the server answers with a non-2xx status: the
// server's `Status` (or one built from the HTTP status when the body is not a Status).
import type { Status } from '../api/types/meta.js';

const reasonByCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? `the server answered ${status.code}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = status.code;
    this.reason = status.reason ?? reasonByCode[status.code] ?? 'Unknown';
  }
}

function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** Builds the ApiError for an HTTP reply; `what` names the request, e.g. `get pods`. */
export function apiErrorFromResponse(code: number, body: string, what: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) {
    return new ApiError({ ...parsed, code: parsed.code || code });
  }
  const reason = reasonByCode[code] ?? 'Unknown';
  const text = parsed === undefined && body.trim() ? body.trim().slice(0, 500) : 'unknown';
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    code,
    reason,
    message: `an error on the server ("${text}") has prevented the request from succeeding (${what})`,
  });
}

/** Wraps a Status received inside a watch stream (`ERROR` event). */
export function apiErrorFromStatus(status: Status): ApiError {
  return new ApiError(status);
}

export function isApiError(e: unknown, code?: number): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

export const isNotFound = (e: unknown): boolean => isApiError(e, 404);
export const isConflict = (e: unknown): boolean => isApiError(e, 409);
export const isAlreadyExists = (e: unknown): boolean => isApiError(e, 409) && (e as ApiError).reason === 'AlreadyExists';
export const isGone = (e: unknown): boolean => isApiError(e, 410);
