// CRI timestamps are int64 nanoseconds since the epoch.
export const nowNanos = (): number => Date.now() * 1_000_000;
