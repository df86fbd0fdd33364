import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import type { ExecProcess } from '../../runtime/executor/executor.js';
import { expectedStreams, parseResizeStream, selectSpdyExecProtocol, serveExecSpdy } from '../../runtime/streaming/exec-spdy.js';
import type { ExecSessionSpec } from '../../runtime/streaming/exec-websocket.js';
import { TYPE_GOAWAY } from '../../runtime/streaming/spdy-frames.js';
import { SpdyTestClient } from './spdy-test-client.js';

const log = pino({ level: 'silent' });
let client: SpdyTestClient | undefined;

afterEach(() => {
  client?.close();
  client = undefined;
});

/** a process that upper-cases its stdin to stdout, says "warn" on stderr and exits with CODE at the end of its input */
function fakeProcess(code: number, sizes: [number, number][]): ExecProcess {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let input = '';
  stdin.on('data', (b: Buffer) => (input += b.toString()));
  const exit = new Promise<number>((resolve) =>
    stdin.on('end', () => {
      stdout.end(input.toUpperCase());
      stderr.end('warn');
      setTimeout(() => resolve(code), 10);
    }),
  );
  return { stdin, stdout, stderr, exit, kill: () => undefined, resize: (c, r) => void sizes.push([c, r]) };
}

describe('exec over SPDY', () => {
  it('negotiates v5/v4 and knows which streams a request opens', () => {
    expect(selectSpdyExecProtocol('v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io')).toBe('v5.channel.k8s.io');
    expect(selectSpdyExecProtocol('v4.channel.k8s.io,v3.channel.k8s.io')).toBe('v4.channel.k8s.io');
    expect(selectSpdyExecProtocol('v3.channel.k8s.io, channel.k8s.io')).toBeUndefined();
    expect(selectSpdyExecProtocol(undefined)).toBeUndefined();
    expect(expectedStreams({ stdin: false, stdout: true, stderr: true, tty: false })).toEqual(['error', 'stdout', 'stderr']);
    expect(expectedStreams({ stdin: true, stdout: true, stderr: false, tty: true })).toEqual(['error', 'stdin', 'stdout', 'resize']);
  });

  it('reads terminal sizes from consecutive JSON objects, keeping a partial one', () => {
    expect(parseResizeStream('{"Width":80,"Height":24}{"Width":100,')).toEqual({ sizes: [{ width: 80, height: 24 }], rest: '{"Width":100,' });
    expect(parseResizeStream('{"Width":100,"Height":30}').sizes).toEqual([{ width: 100, height: 30 }]);
  });

  it('starts once every stream is open, relays stdin/stdout/stderr and ends with the Status', async () => {
    client = new SpdyTestClient();
    const sizes: [number, number][] = [];
    const specs: ExecSessionSpec[] = [];
    const spec: ExecSessionSpec = { containerId: 'c1', cmd: ['tr'], tty: false, stdin: true, stdout: true, stderr: true };
    serveExecSpdy(client.serverIo, spec, async (s) => (specs.push(s), fakeProcess(3, sizes)), log);
    await client.synStream(1, { streamtype: 'error' }, true);
    await client.synStream(3, { streamtype: 'stdin' });
    await client.synStream(5, { streamtype: 'stdout' }, true);
    expect(specs).toEqual([]);
    await client.synStream(7, { streamtype: 'stderr' }, true);
    client.data(3, 'hello', true);
    await client.waitFor((f) => !f.control && f.streamId === 1 && (f.flags & 1) === 1);
    expect(specs).toEqual([spec]);
    expect(client.streamData(5)).toEqual({ data: 'HELLO', fin: true });
    expect(client.streamData(7)).toEqual({ data: 'warn', fin: true });
    expect(JSON.parse(client.streamData(1).data)).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    await client.waitFor((f) => f.control && f.type === TYPE_GOAWAY);
  });

  it('sizes the terminal from the resize stream', async () => {
    client = new SpdyTestClient();
    const sizes: [number, number][] = [];
    const spec: ExecSessionSpec = { containerId: 'c1', cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: false };
    serveExecSpdy(client.serverIo, spec, async () => fakeProcess(0, sizes), log);
    await client.synStream(1, { streamtype: 'error' }, true);
    await client.synStream(3, { streamtype: 'stdin' });
    await client.synStream(5, { streamtype: 'stdout' }, true);
    await client.synStream(7, { streamtype: 'resize' });
    client.data(7, '{"Width":120,"Height":40}');
    for (let i = 0; i < 50 && sizes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sizes).toEqual([[120, 40]]);
    client.data(3, '', true);
    await client.waitFor((f) => !f.control && f.streamId === 1 && (f.flags & 1) === 1);
    expect(JSON.parse(client.streamData(1).data)).toEqual({ metadata: {}, status: 'Success' });
  });

  it('reports a command that cannot start on the error stream', async () => {
    client = new SpdyTestClient();
    const spec: ExecSessionSpec = { containerId: 'c1', cmd: ['nope'], tty: false, stdin: false, stdout: true, stderr: false };
    serveExecSpdy(client.serverIo, spec, async () => {
      throw new Error('exec: "nope": executable file not found in $PATH');
    }, log);
    await client.synStream(1, { streamtype: 'error' }, true);
    await client.synStream(3, { streamtype: 'stdout' }, true);
    await client.waitFor((f) => !f.control && f.streamId === 1 && (f.flags & 1) === 1);
    expect(JSON.parse(client.streamData(1).data).message).toContain('executable file not found');
  });
});
