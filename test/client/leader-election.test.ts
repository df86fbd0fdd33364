import { describe, expect, it } from 'vitest';
import { nextLeaseSpec } from '../../client/leader-election.js';
import { microTime } from '../../client/micro-time.js';

describe('nextLeaseSpec', () => {
  const now = '2026-01-01T00:00:10.000000Z';
  it('takes a lease nobody has held', () => {
    expect(nextLeaseSpec(undefined, 'me', 15, now, true)).toEqual({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    });
  });
  it('renews its own lease, keeping acquireTime and transitions', () => {
    const cur = { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: 'A', renewTime: 'R', leaseTransitions: 3 };
    expect(nextLeaseSpec(cur, 'me', 15, now, false)).toEqual({ ...cur, renewTime: now });
  });
  it('leaves a valid lease of another holder alone', () => {
    expect(nextLeaseSpec({ holderIdentity: 'other', renewTime: 'R' }, 'me', 15, now, false)).toBeUndefined();
  });
  it('takes over an expired lease and counts the transition', () => {
    const s = nextLeaseSpec({ holderIdentity: 'other', leaseTransitions: 2, acquireTime: 'A' }, 'me', 15, now, true);
    expect(s).toMatchObject({ holderIdentity: 'me', acquireTime: now, leaseTransitions: 3 });
  });
  it('takes a released lease at once', () => {
    expect(nextLeaseSpec({ holderIdentity: '', leaseTransitions: 1 }, 'me', 15, now, false)).toMatchObject({ holderIdentity: 'me', leaseTransitions: 1 });
  });
});

describe('microTime', () => {
  it('has microseconds', () => {
    expect(microTime(new Date('2026-01-02T03:04:05.678Z'))).toMatch(/^2026-01-02T03:04:05\.678\d{3}Z$/);
  });
});
