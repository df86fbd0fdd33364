import { describe, expect, test } from 'vitest';
import { MonitorChannel } from '../../runtime/executor/monitor-channel.js';

describe('monitor channel', () => {
  test('waiters see lines that came before and after; refs only while waiting; end resolves undefined', async () => {
    let refs = 0;
    const ch = new MonitorChannel({ ref: () => refs++, unref: () => refs-- });
    ch.push('created 42');
    expect(await ch.waitFor((l) => l.startsWith('created '))).toBe('created 42');
    expect(refs).toBe(0);
    const started = ch.waitFor((l) => l === 'started');
    const exited = ch.waitFor((l) => l === 'exited');
    expect(refs).toBe(1);
    ch.push('started');
    expect(await started).toBe('started');
    ch.end();
    expect(await exited).toBeUndefined();
    expect(refs).toBe(0);
  });
});
