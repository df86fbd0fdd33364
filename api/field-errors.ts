// Field errors: one problem with one field of an object, in Kubernetes' words (k8s.io/apimachinery
// pkg/util/validation/field). Validation returns a list of these; the apiserver turns them into a
// 422 Status whose causes carry the field path.

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueNotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  message: string; // the detail; may be empty
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueNotFound: 'Not found',
};

export function required(path: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field: path, message: detail };
}

export function invalidValue(path: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: path, value, message: detail };
}

export function duplicate(path: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field: path, value, message: '' };
}

export function notSupported(path: string, value: unknown, allowed: readonly string[]): FieldError {
  const detail = allowed.length ? `supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field: path, value, message: detail };
}

export function forbidden(path: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field: path, message: detail };
}

export function tooLong(path: string, value: unknown, maxLength: number): FieldError {
  return { type: 'FieldValueTooLong', field: path, value, message: `may not be more than ${maxLength} bytes` };
}

export function notFoundValue(path: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field: path, value, message: '' };
}

export function tooLongTotal(path: string, maxLength: number): FieldError {
  return { type: 'FieldValueTooLong', field: path, message: `must have at most ${maxLength} bytes` };
}

/** Renders a value the way Go's `%#v` does for the shapes our objects hold. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
    return JSON.stringify(value);
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 0 && entries.every(([, v]) => typeof v === 'string')) {
      const body = entries
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(', ');
      return `map[string]string{${body}}`;
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** The part after `field: `, e.g. `Invalid value: "Bad_Name": a lowercase RFC 1123 ...`. */
export function fieldErrorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  const showsValue = e.type !== 'FieldValueRequired' && e.type !== 'FieldValueForbidden' && e.type !== 'FieldValueTooLong';
  if (showsValue) s += `: ${goValue(e.value)}`;
  if (e.message) s += `: ${e.message}`;
  return s;
}

/** Kubernetes' text, e.g. `spec.containers[0].image: Required value`. */
export function formatFieldError(e: FieldError): string {
  return e.field ? `${e.field}: ${fieldErrorBody(e)}` : fieldErrorBody(e);
}

/** Kubernetes' aggregate: one message as is, several as `[a, b]` (duplicates removed). */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const msgs = [...new Set(errors.map(formatFieldError))];
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}
