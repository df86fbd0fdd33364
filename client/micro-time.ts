// Kubernetes MicroTime: RFC 3339 with microseconds, as Lease acquireTime/renewTime carry it.
export function microTime(date: Date = new Date()): string {
  const iso = date.toISOString(); // 2026-11-24T01:07:52.123Z
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000) % 1000;
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** Kubernetes Time: RFC 3339 in whole seconds, as Event timestamps carry it. */
export function rfc3339(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
