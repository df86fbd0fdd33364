import { describe, expect, it } from 'vitest';
import { JsonPathError, renderJsonPath } from '../../../cli/skiffctl/jsonpath.js';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }, spec: { n: 1 } },
    { metadata: { name: 'b', labels: {} }, status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] }, spec: { n: 3 } },
  ],
};

describe('kubectl jsonpath', () => {
  const cases: [string, string][] = [
    ['{.items[*].metadata.name}', 'a b'],
    ['{.items[0].metadata.name}', 'a'],
    ['{.items[-1].metadata.name}', 'b'],
    ['{.items[0:1].metadata.name}', 'a'],
    ['{.kind}/{.items[1].status.phase}', 'List/Pending'],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', 'a\tRunning\nb\tPending\n'],
    ['{.items[?(@.status.phase=="Running")].metadata.name}', 'a'],
    ['{.items[?(@.spec.n>2)].metadata.name}', 'b'],
    ['{.items[*].status.conditions[?(@.type=="Ready")].status}', 'True False'],
    ["{.items[0].metadata.labels['app.kubernetes.io/name']}", 'x'],
    ['{..phase}', 'Running Pending'],
    ['{.items[0].status.conditions[0]}', '{"type":"Ready","status":"True"}'],
    ['{.missing.field}', ''],
    ['plain text', 'plain text'],
  ];
  for (const [template, want] of cases) {
    it(template, () => {
      expect(renderJsonPath(template, list)).toBe(want);
    });
  }

  it('rejects malformed templates', () => {
    expect(() => renderJsonPath('{.items[*]', list)).toThrow(JsonPathError);
    expect(() => renderJsonPath('{range .items[*]}{.x}', list)).toThrow('{range} without {end}');
    expect(() => renderJsonPath('{end}', list)).toThrow('{end} without {range}');
  });
});
