// Go-style durations as flags and metav1.Duration spell them: `50s`, `1m30s`, `500ms`, `2h`.
// A bare number is taken as seconds.
export class DurationError extends Error {}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** milliseconds; `what` names the flag or field in the error */
export function parseDuration(text: string, what = 'duration'): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new DurationError(`${what}: invalid duration ${JSON.stringify(text)} (want e.g. 50s, 1m30s, 500ms)`);
    total += Number(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  if (s.length === 0) throw new DurationError(`${what}: invalid duration ""`);
  return total;
}
