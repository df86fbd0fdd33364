import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types/meta.js';
import { createEventRecorder, eventName, type EventObject } from '../../client/events.js';
import type { ResourceClient } from '../../client/types.js';
import { FakeResourceClient } from './fake-resource-client.js';

/** The fake plus the merge patch the recorder uses. */
class EventsFake extends FakeResourceClient {
  patches: unknown[] = [];
  failCreates = false;
  override async create(ns: string | undefined, obj: KubeObject): Promise<KubeObject> {
    if (this.failCreates) throw new Error('connection refused');
    return super.create(ns, obj);
  }
  override async patch(ns: string | undefined, name: string, patch: unknown): Promise<KubeObject> {
    this.patches.push(patch);
    const cur = await this.get(ns, name);
    return this.put({ ...cur, ...(patch as object) });
  }
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns1', uid: 'u1' } };

describe('event recorder', () => {
  it('creates an Event with the involved object, source and timestamps', async () => {
    const fake = new EventsFake();
    const rec = createEventRecorder(fake as unknown as ResourceClient<EventObject>, { component: 'scheduler', host: 'n1' });
    await rec.record(pod, 'Normal', 'Scheduled', 'assigned ns1/web to n1');
    const [ev] = [...fake.objects.values()] as EventObject[];
    expect(ev.metadata.namespace).toBe('ns1');
    expect(ev.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    expect(ev.involvedObject).toMatchObject({ kind: 'Pod', name: 'web', namespace: 'ns1', uid: 'u1', apiVersion: 'v1' });
    expect(ev).toMatchObject({ type: 'Normal', reason: 'Scheduled', count: 1, source: { component: 'scheduler', host: 'n1' } });
    expect(ev.firstTimestamp).toBe(ev.lastTimestamp);
  });

  it('aggregates repeats within 10 minutes by patching count and lastTimestamp, and starts afresh after', async () => {
    const fake = new EventsFake();
    let t = new Date('2026-01-01T00:00:00Z');
    const rec = createEventRecorder(fake as unknown as ResourceClient<EventObject>, { component: 'kubelet', now: () => t });
    await Promise.all([rec.record(pod, 'Warning', 'BackOff', 'restarting'), rec.record(pod, 'Warning', 'BackOff', 'restarting')]);
    t = new Date('2026-01-01T00:05:00Z');
    await rec.record(pod, 'Warning', 'BackOff', 'restarting');
    expect(fake.objects.size).toBe(1);
    const ev = [...fake.objects.values()][0] as EventObject;
    expect(ev.count).toBe(3);
    expect(ev.firstTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(ev.lastTimestamp).toBe('2026-01-01T00:05:00Z');
    await rec.record(pod, 'Warning', 'BackOff', 'other message');
    expect(fake.objects.size).toBe(2);
    t = new Date('2026-01-01T00:11:00Z');
    await rec.record(pod, 'Warning', 'BackOff', 'restarting');
    expect(fake.objects.size).toBe(3);
  });

  it('never throws when the server fails', async () => {
    const fake = new EventsFake();
    fake.failCreates = true;
    const rec = createEventRecorder(fake as unknown as ResourceClient<EventObject>, { component: 'x' });
    await expect(rec.record(pod, 'Normal', 'R', 'm')).resolves.toBeUndefined();
  });

  it('names events <object>.<hex nanoseconds>', () => {
    expect(eventName('web', new Date(1_700_000_000_000), 0)).toBe(`web.${(1_700_000_000_000n * 1_000_000n).toString(16)}`);
  });
});
