import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseNodeLabels, run } from '../../cli/commands/kubelet.js';

afterEach(() => vi.restoreAllMocks());

describe('skiff kubelet flags', () => {
  it('parses --node-labels', () => {
    expect(parseNodeLabels('a=b,zone=eu-1')).toEqual({ a: 'b', zone: 'eu-1' });
    expect(parseNodeLabels(undefined)).toEqual({});
    expect(() => parseNodeLabels('a=b,oops')).toThrow('--node-labels: "oops" is not key=value');
  });

  it('exits 2 naming the problem for a missing --kubeconfig, an unknown flag or a bad port', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await run(['--node-name', 'n1'])).toBe(2);
    expect(String(err.mock.calls[0][0])).toContain('--kubeconfig is required');
    expect(await run(['--kubeconfig', '/x', '--bogus'])).toBe(2);
    expect(String(err.mock.calls[1][0])).toContain('unknown flag: --bogus');
    expect(await run(['--kubeconfig', '/x', '--port', '99999'])).toBe(2);
    expect(String(err.mock.calls[2][0])).toContain('--port: not a port number: "99999"');
  });

  it('prints usage with --help', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await run(['--help'])).toBe(0);
    expect(String(out.mock.calls[0][0])).toContain('usage: skiff kubelet --kubeconfig FILE');
  });
});
