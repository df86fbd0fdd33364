import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags, portFlag } from '../../cli/flags.js';

describe('parseFlags', () => {
  const spec = { values: ['data-dir', 'namespace'], booleans: ['force'], aliases: { n: 'namespace' }, repeated: ['tls-san'] };

  it('reads values, booleans, aliases, repeats, positionals and what follows --', () => {
    const p = parseFlags(['get', '--data-dir', '/x', '-n=kube-system', '--force', '--tls-san', 'a', '--tls-san=b', 'pods', '--', 'sh', '-c'], spec);
    expect(p.flags).toEqual({ 'data-dir': '/x', namespace: 'kube-system', force: true, 'tls-san': ['a', 'b'] });
    expect(p.positionals).toEqual(['get', 'pods']);
    expect(p.rest).toEqual(['sh', '-c']);
  });

  it('names an unknown flag and a flag missing its value', () => {
    expect(() => parseFlags(['--dta-dir', 'x'], spec)).toThrow(new FlagError('unknown flag: --dta-dir'));
    expect(() => parseFlags(['--data-dir'], spec)).toThrow(new FlagError('flag needs an argument: --data-dir'));
  });

  it('reads --flag=false as false', () => {
    expect(parseFlags(['--force=false'], spec).flags.force).toBe(false);
  });
});

describe('portFlag', () => {
  it('defaults, accepts ports and names a bad value', () => {
    expect(portFlag(parseFlags([], { values: ['port'] }), 'port', 6443)).toBe(6443);
    expect(portFlag(parseFlags(['--port', '8443'], { values: ['port'] }), 'port', 6443)).toBe(8443);
    const bad = portFlag(parseFlags(['--port', '70000'], { values: ['port'] }), 'port', 6443);
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toBe('--port: invalid value "70000": must be a port number 1-65535');
  });
});
