import { describe, expect, it } from 'vitest';
import type { Table } from '../../../api/types/meta.js';
import { humanDuration } from '../../../api/human-duration.js';
import { parseOutputFormat, toJson, toYaml } from '../../../cli/skiffctl/object-printer.js';
import { printTable } from '../../../cli/skiffctl/table-printer.js';
import { formatError } from '../../../cli/skiffctl/error-format.js';
import { ApiError } from '../../../client/api-error.js';

const table: Table = {
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: {},
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name' },
    { name: 'Status', type: 'string' },
    { name: 'IP', type: 'string', priority: 1 },
  ],
  rows: [{ cells: ['web', 'Running', null], object: { metadata: { name: 'web', namespace: 'ns1', labels: { b: '2', a: '1' } } } }],
};

describe('table printer', () => {
  it('hides priority columns unless wide; prints <none> for empty cells', () => {
    expect(printTable(table, {})).toBe('NAME   STATUS\nweb    Running\n');
    expect(printTable(table, { wide: true })).toBe('NAME   STATUS    IP\nweb    Running   <none>\n');
  });
  it('adds NAMESPACE, kind prefixes and LABELS', () => {
    expect(printTable(table, { withNamespace: true, kindPrefix: 'pod', showLabels: true })).toBe(
      'NAMESPACE   NAME      STATUS    LABELS\nns1         pod/web   Running   a=1,b=2\n',
    );
  });
});

describe('object printers', () => {
  it('yaml as go-yaml prints it: sorted keys, unindented sequences, quoted timestamps', () => {
    // go-yaml (YAML 1.1) quotes y/on/yes as keys and values
    expect(toYaml({ b: [{ y: 1, x: 'on' }], a: '2026-01-01T00:00:00Z' })).toBe('a: "2026-01-01T00:00:00Z"\nb:\n- x: "on"\n  "y": 1\n');
  });
  it('json with sorted keys and 4-space indent', () => {
    expect(toJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{\n    "a": {\n        "c": 2,\n        "d": 1\n    },\n    "b": 1\n}\n');
  });
  it('rejects an unknown -o naming it', () => {
    expect(() => parseOutputFormat('xml')).toThrow('unable to match a printer suitable for the output format "xml"');
    expect(parseOutputFormat('jsonpath={.a}')).toEqual({ kind: 'jsonpath', template: '{.a}' });
  });
});

describe('human durations', () => {
  it('formats like kubectl', () => {
    const s = 1000;
    expect([5 * s, 119 * s, 150 * s, 600 * s, 3 * 3600 * s + 5 * 60 * s, 30 * 3600 * s, 50 * 3600 * s, 400 * 86400 * s, 800 * 86400 * s].map(humanDuration)).toEqual([
      '5s',
      '119s',
      '2m30s',
      '10m',
      '3h5m',
      '30h',
      '2d2h',
      '400d',
      '2y70d',
    ]);
  });
});

describe('error format', () => {
  const status = (code: number, reason: string, message: string, details?: object) =>
    new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message, details });
  it('prints server errors as kubectl', () => {
    expect(formatError(status(404, 'NotFound', 'pods "x" not found'))).toBe('Error from server (NotFound): pods "x" not found');
    expect(formatError(status(409, 'AlreadyExists', 'pods "x" already exists'), 'error when creating "p.yaml"')).toBe(
      'Error from server (AlreadyExists): error when creating "p.yaml": pods "x" already exists',
    );
  });
  it('prints Invalid with its causes', () => {
    const one = status(422, 'Invalid', 'x', { kind: 'Pod', name: 'x', causes: [{ field: 'spec.containers[0].image', message: 'Required value' }] });
    expect(formatError(one)).toBe('The Pod "x" is invalid: spec.containers[0].image: Required value');
    const two = status(422, 'Invalid', 'x', { kind: 'Pod', name: 'x', causes: [{ field: 'a', message: 'm1' }, { field: 'b', message: 'm2' }] });
    expect(formatError(two)).toBe('The Pod "x" is invalid: [a: m1, b: m2]');
  });
  it('prints local errors with error:', () => {
    expect(formatError(new Error('boom'))).toBe('error: boom');
  });
  it('words a refused connection as kubectl', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 6443 });
    expect(formatError(e)).toBe('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?');
  });
});
