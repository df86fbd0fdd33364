import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { PassThrough, type Duplex } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import type { ExecProcess } from '../../runtime/executor/executor.js';
import { startStreamingServer, type StreamingServer } from '../../runtime/streaming/streaming-server.js';

const log = pino({ level: 'silent' });
let server: StreamingServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** cat: echoes stdin to stdout, exits 7 at the end of its input (at once without stdin) */
function cat(spec: { stdin: boolean }): ExecProcess {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdin.pipe(stdout);
  const exit = new Promise<number>((resolve) => stdout.on('end', () => setTimeout(() => resolve(7), 10)));
  stderr.end();
  if (!spec.stdin) stdin.end();
  return { stdin, stdout, stderr, exit, kill: () => stdin.destroy() };
}

interface Session {
  protocol: string;
  messages: Buffer[];
}

function connect(url: string, protocols: string[], send: (ws: WebSocket) => void = () => undefined): Promise<Session | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace('http:', 'ws:'), protocols);
    const messages: Buffer[] = [];
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => send(ws));
    ws.on('message', (m: Buffer) => messages.push(m));
    ws.on('close', () => resolve({ protocol: ws.protocol, messages }));
    ws.on('error', reject);
  });
}

describe('streaming server', () => {
  it('runs an exec session over v5: stdin (also what came before the process was up), its close, stdout and the exit status', async () => {
    const slowStart = async (spec: { stdin: boolean }): Promise<ExecProcess> => {
      await new Promise((r) => setTimeout(r, 100));
      return cat(spec);
    };
    server = await startStreamingServer({ startExec: slowStart, log });
    const url = server.execUrl({ containerId: 'c', cmd: ['cat'], tty: false, stdin: true, stdout: true, stderr: true });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec\/[A-Za-z0-9_-]+$/);
    const s = await connect(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], (ws) => {
      ws.send(Buffer.concat([Buffer.of(0), Buffer.from('ping')]));
      ws.send(Buffer.of(255, 0));
    });
    if (typeof s === 'number') throw new Error(`refused: ${s}`);
    expect(s.protocol).toBe('v5.channel.k8s.io');
    const byChannel = (c: number): string => Buffer.concat(s.messages.filter((m) => m[0] === c).map((m) => m.subarray(1))).toString();
    expect(byChannel(1)).toBe('ping');
    expect(JSON.parse(byChannel(3))).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ message: '7' }] } });
  });

  it('hands each URL out once and refuses unknown tokens and unsupported protocols', async () => {
    server = await startStreamingServer({ startExec: async (spec) => cat(spec), log });
    const spec = { containerId: 'c', cmd: ['cat'], tty: false, stdin: false, stdout: true, stderr: false };
    const url = server.execUrl(spec);
    const first = await connect(url, ['v4.channel.k8s.io']);
    expect(typeof first === 'number' ? first : first.protocol).toBe('v4.channel.k8s.io');
    expect(await connect(url, ['v4.channel.k8s.io'])).toBe(404);
    expect(await connect(`${server.baseUrl}/exec/made-up`, ['v4.channel.k8s.io'])).toBe(404);
    expect(await connect(server.execUrl(spec), ['channel.k8s.io'])).toBe(400);
    expect(await connect(server.portForwardUrl({ sandboxId: 's', ports: [] }), ['v4.channel.k8s.io'])).toBe(400);
  });

  it('tunnels port-forward SPDY in a WebSocket with the subprotocol ws itself would refuse', async () => {
    const served: string[] = [];
    server = await startStreamingServer({ startExec: async (spec) => cat(spec), servePortForward: (io: Duplex, spec) => (served.push(spec.sandboxId), io.end()), log });
    const url = new URL(server.portForwardUrl({ sandboxId: 'sb9', ports: [8080] }));
    const protocol = await new Promise<string | undefined>((resolve, reject) => {
      const req = http.request(url, {
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io' },
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.headers['sec-websocket-protocol'] as string | undefined);
      });
      req.on('response', (res) => reject(new Error(`refused: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(protocol).toBe('SPDY/3.1+portforward.k8s.io');
    expect(served).toEqual(['sb9']);
  });
});
