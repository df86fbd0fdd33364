import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, exitStatus, failureStatus, parseResize, selectExecProtocol } from '../../runtime/streaming/channel-protocol.js';
import { execOutcome } from '../../cli/skiffctl/exec-stream.js';

describe('remote-command channel protocol', () => {
  it('prefixes each message with its channel byte and reads it back', () => {
    const f = encodeFrame(2, 'oops\n');
    expect([...f.subarray(0, 1)]).toEqual([2]);
    expect(decodeFrame(f)).toEqual({ channel: 2, data: Buffer.from('oops\n') });
    expect(decodeFrame(Buffer.alloc(0))).toBeUndefined();
    expect(decodeFrame(Buffer.of(255, 0))).toEqual({ channel: 255, data: Buffer.of(0) });
  });

  it('prefers v5 over v4 and refuses protocols it does not speak', () => {
    expect(selectExecProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io'])).toBe('v5.channel.k8s.io');
    expect(selectExecProtocol([' v4.channel.k8s.io'])).toBe('v4.channel.k8s.io');
    expect(selectExecProtocol(['channel.k8s.io', 'base64.channel.k8s.io'])).toBeUndefined();
  });

  it('reports success, and a non-zero exit as NonZeroExitCode with the code as a cause', () => {
    expect(exitStatus(0, ['true'])).toEqual({ metadata: {}, status: 'Success' });
    const s = exitStatus(3, ['sh', '-c', 'exit 3']);
    expect(s).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    expect(s.message).toContain('exit code 3');
  });

  it('the client reads the exit code back, and other failures as an error', () => {
    expect(execOutcome(exitStatus(0, ['x']))).toEqual({ exitCode: 0 });
    expect(execOutcome(exitStatus(42, ['x']))).toEqual({ exitCode: 42 });
    expect(execOutcome(failureStatus('no such file'))).toEqual({ exitCode: 1, error: 'no such file' });
    expect(execOutcome({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: 'x' }] } }).exitCode).toBe(1);
  });

  it('parses terminal resize messages', () => {
    expect(parseResize(Buffer.from('{"Width":80,"Height":24}'))).toEqual({ width: 80, height: 24 });
    expect(parseResize(Buffer.from('{"Width":"80"}'))).toBeUndefined();
    expect(parseResize(Buffer.from('nope'))).toBeUndefined();
  });
});
