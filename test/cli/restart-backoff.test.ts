import { describe, expect, it } from 'vitest';
import { nextRestart } from '../../cli/cluster/restart-backoff.js';

describe('restart back-off', () => {
  it('doubles from 1 s up to 30 s while a component keeps crashing', () => {
    let state = { failures: 0 };
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = nextRestart(state, 500);
      delays.push(r.delayMs);
      state = r.state;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('starts over after a run of a minute or more', () => {
    const r = nextRestart({ failures: 6 }, 60_000);
    expect(r.delayMs).toBe(1000);
    expect(r.state.failures).toBe(1);
  });
});
