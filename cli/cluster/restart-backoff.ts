// When a supervised component exits, how long to wait before starting it again: 1 s doubling to
// 30 s, back to 1 s once a run lasted a minute (a crash loop slows down; a rare crash restarts fast).
export interface BackoffState {
  failures: number;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
export const BACKOFF_RESET_AFTER_MS = 60_000;

export function nextRestart(state: BackoffState, ranForMs: number): { delayMs: number; state: BackoffState } {
  const failures = ranForMs >= BACKOFF_RESET_AFTER_MS ? 0 : state.failures;
  const delayMs = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** failures);
  return { delayMs, state: { failures: failures + 1 } };
}
