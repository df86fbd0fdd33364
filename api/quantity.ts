// Kubernetes resource quantities (k8s.io/apimachinery pkg/api/resource): `100m`, `0.5`, `64Mi`,
// `1G`, `1e3`. Values are kept exactly as integer nano-units (Kubernetes' precision: anything finer
// rounds up to 1n), so `0.1 + 0.2` style errors never appear in comparisons or canonical forms.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in base units (cores, bytes); may be fractional. */
  value: number;
  /** The exact value in nano-units. */
  nanos: bigint;
  /** The suffix family the quantity was written in; canonical forms keep it. */
  format: QuantityFormat;
}

export const QUANTITY_REGEX = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const QUANTITY_ERROR = `quantities must match the regular expression '${QUANTITY_REGEX}'`;

const NANO = 1_000_000_000n;

const DECIMAL_SUFFIX_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX_POW: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const EXP_TO_DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL_SUFFIX_EXP).map(([s, e]) => [e, s]));
const POW_TO_BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

export class QuantityError extends Error {
  constructor(readonly input: string) {
    super(`quantity ${JSON.stringify(input)} is invalid: ${QUANTITY_ERROR}`);
    this.name = 'QuantityError';
  }
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Integer division rounding toward +infinity (Kubernetes rounds sub-nano values up). */
function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
}

function fromNanos(nanos: bigint, format: QuantityFormat): Quantity {
  return { value: Number(nanos) / 1e9, nanos, format };
}

/** Recently parsed quantities: the same few strings (`100m`, `64Mi`) come back in every pod. */
const parsed = new Map<string, Quantity>();
const PARSED_MAX = 1024;

/** Parses a quantity; throws a QuantityError naming the value when it is not one. */
export function parseQuantity(input: string | number): Quantity {
  const s = typeof input === 'number' ? String(input) : input;
  let q = parsed.get(s);
  if (q) return q;
  q = Object.freeze(parseUncached(s));
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(s, q);
  return q;
}

function parseUncached(s: string): Quantity {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([a-zA-Z]*[-+]?[0-9]*)$/.exec(s);
  if (!m) throw new QuantityError(s);
  const [, sign = '', intDigits = '', fracDigits = '', suffix = ''] = m;
  if (intDigits.length + fracDigits.length === 0) throw new QuantityError(s);
  let mantissa = BigInt((intDigits || '0') + fracDigits);
  if (sign === '-') mantissa = -mantissa;
  let exp10 = -fracDigits.length; // value = mantissa * 10^exp10 * 1024^pow
  let pow = 0;
  let format: QuantityFormat = 'DecimalSI';
  if (suffix in BINARY_SUFFIX_POW) {
    pow = BINARY_SUFFIX_POW[suffix]!;
    format = 'BinarySI';
  } else if (suffix in DECIMAL_SUFFIX_EXP) {
    exp10 += DECIMAL_SUFFIX_EXP[suffix]!;
  } else {
    const e = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (!e) throw new QuantityError(s);
    exp10 += Number(e[1]);
    format = 'DecimalExponent';
    if (Math.abs(Number(e[1])) > 100) throw new QuantityError(s);
  }
  let nanos = mantissa * 1024n ** BigInt(pow);
  const scale = exp10 + 9;
  nanos = scale >= 0 ? nanos * pow10(scale) : divCeil(nanos, pow10(-scale));
  return fromNanos(nanos, format);
}

export function isValidQuantity(input: string | number): boolean {
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

function formatDecimal(nanos: bigint, exponentStyle: boolean): string {
  if (nanos === 0n) return '0';
  let amount = nanos;
  let exp = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exp++;
  }
  const rem = ((exp % 3) + 3) % 3;
  amount *= pow10(rem);
  exp -= rem;
  if (exponentStyle) return exp === 0 ? `${amount}` : `${amount}e${exp}`;
  if (exp > 18) {
    amount *= pow10(exp - 18);
    exp = 18;
  }
  return `${amount}${EXP_TO_DECIMAL_SUFFIX.get(exp) ?? ''}`;
}

/** The canonical form Kubernetes prints: `0.5` → `500m`, `1024Mi` → `1Gi`, `1.5Gi` → `1536Mi`. */
export function formatQuantity(q: Quantity): string {
  if (q.format === 'BinarySI') {
    const abs = q.nanos < 0n ? -q.nanos : q.nanos;
    if (abs >= 1024n * NANO && q.nanos % NANO === 0n) {
      let amount = q.nanos / NANO;
      let pow = 0;
      while (amount % 1024n === 0n && pow < 6) {
        amount /= 1024n;
        pow++;
      }
      return `${amount}${POW_TO_BINARY_SUFFIX[pow]}`;
    }
    return formatDecimal(q.nanos, false);
  }
  return formatDecimal(q.nanos, q.format === 'DecimalExponent');
}

export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}

function asQuantity(q: Quantity | string | number): Quantity {
  return typeof q === 'object' ? q : parseQuantity(q);
}

/** CPU in millicores, rounded up as Kubernetes' MilliValue does: `100m` → 100, `0.5` → 500. */
export function cpuMillis(q: Quantity | string | number): number {
  return Number(divCeil(asQuantity(q).nanos, 1_000_000n));
}

/** Memory in bytes, rounded up: `64Mi` → 67108864, `1G` → 1e9. */
export function memoryBytes(q: Quantity | string | number): number {
  return Number(divCeil(asQuantity(q).nanos, NANO));
}

/** -1, 0 or 1. */
export function compareQuantities(a: Quantity | string | number, b: Quantity | string | number): number {
  const x = asQuantity(a).nanos;
  const y = asQuantity(b).nanos;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addQuantities(a: Quantity | string | number, b: Quantity | string | number): Quantity {
  const x = asQuantity(a);
  return fromNanos(x.nanos + asQuantity(b).nanos, x.format);
}

/** A quantity from millicores (`millisQuantity(250)` formats as `250m`). */
export function millisQuantity(millis: number): Quantity {
  return fromNanos(BigInt(Math.round(millis)) * 1_000_000n, 'DecimalSI');
}

/** A quantity from bytes (`bytesQuantity(1073741824)` formats as `1Gi`). */
export function bytesQuantity(bytes: number): Quantity {
  return fromNanos(BigInt(Math.round(bytes)) * NANO, 'BinarySI');
}
