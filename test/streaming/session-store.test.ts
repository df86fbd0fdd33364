import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionStore } from '../../runtime/streaming/session-store.js';

describe('one-time streaming sessions', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands a session out once per token', () => {
    const s = new SessionStore<{ cmd: string }>(30_000);
    const a = s.put({ cmd: 'ls' });
    const b = s.put({ cmd: 'ps' });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(s.take(a)).toEqual({ cmd: 'ls' });
    expect(s.take(a)).toBeUndefined();
    expect(s.take('made-up')).toBeUndefined();
    expect(s.size).toBe(1);
    s.clear();
    expect(s.take(b)).toBeUndefined();
  });

  it('forgets sessions nobody took within the time-to-live', () => {
    vi.useFakeTimers();
    const s = new SessionStore<number>(30_000);
    const t = s.put(1);
    const u = s.put(2);
    vi.advanceTimersByTime(29_000);
    expect(s.take(u)).toBe(2);
    vi.advanceTimersByTime(2_000);
    expect(s.take(t)).toBeUndefined();
    expect(s.size).toBe(0);
  });
});
