import { describe, expect, it } from 'vitest';
import { WatchLineParser, WatchParseError } from '../../client/watch-stream.js';

const events = [
  { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' }, data: 'héllo wörld ✓' } },
  { type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '2' } } },
  { type: 'BOOKMARK', object: { metadata: { resourceVersion: '3' } } },
];
const wire = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');

describe('WatchLineParser', () => {
  it('parses events split at every possible byte boundary, including inside UTF-8 characters', () => {
    for (let cut = 1; cut < wire.length; cut++) {
      const p = new WatchLineParser();
      const got = [...p.push(wire.subarray(0, cut)), ...p.push(wire.subarray(cut)), ...p.end()];
      expect(got).toEqual(events);
    }
  });

  it('parses a byte-at-a-time stream', () => {
    const p = new WatchLineParser();
    const got = [];
    for (const b of wire) got.push(...p.push(Buffer.from([b])));
    expect(got).toEqual(events);
  });

  it('returns a last event that has no trailing newline at end()', () => {
    const p = new WatchLineParser();
    expect(p.push('{"type":"DELETED","object":{"metadata":{"name":"x"}}}')).toEqual([]);
    expect(p.end()).toEqual([{ type: 'DELETED', object: { metadata: { name: 'x' } } }]);
  });

  it('skips blank lines and passes ERROR events through', () => {
    const p = new WatchLineParser();
    const err = { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } };
    expect(p.push(`\n\r\n${JSON.stringify(err)}\r\n`)).toEqual([err]);
  });

  it('rejects invalid JSON and unknown event types, naming the line', () => {
    expect(() => new WatchLineParser().push('{nope}\n')).toThrow(WatchParseError);
    expect(() => new WatchLineParser().push('{"type":"WEIRD","object":{}}\n')).toThrow(/unknown event type "WEIRD"/);
    expect(() => new WatchLineParser().push('{"type":"ADDED"}\n')).toThrow(/without type\/object/);
  });
});
