// The gRPC transport against a small in-process HTTP/2 server on 127.0.0.1 that answers like a gRPC
// server would (or misbehaves on purpose).
import { mkdtempSync, rmSync } from 'node:fs';
import http2, { type Http2SecureServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ensurePki, type Pki } from '../../apiserver/pki.js';
import { freePort } from '../../apiserver/storage/managed-etcd.js';
import { frameMessage, GrpcFrameReader } from '../../apiserver/storage/etcd/grpc-frames.js';
import { GrpcError } from '../../apiserver/storage/etcd/grpc-status.js';
import { GrpcTransport } from '../../apiserver/storage/etcd/grpc-transport.js';
import { isCompactedError } from '../../apiserver/storage/etcd/etcd-client.js';

type Handler = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: Buffer[]) => void;

interface FakeServer {
  url: string;
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

const servers: FakeServer[] = [];
const transports: GrpcTransport[] = [];

/** a server that reads each request's messages, then hands them to the handler (streams: per message) */
async function fakeServer(handler: Handler, opts: { streaming?: boolean; tls?: Pki } = {}): Promise<FakeServer> {
  const server: Http2Server | Http2SecureServer = opts.tls
    ? http2.createSecureServer({ key: opts.tls.keyPem, cert: opts.tls.certPem })
    : http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  const requests: IncomingHttpHeaders[] = [];
  server.on('stream', (stream, headers) => {
    requests.push(headers);
    stream.on('error', () => undefined);
    const reader = new GrpcFrameReader();
    const body: Buffer[] = [];
    stream.on('data', (c: Buffer) => reader.push(c, (m) => {
      body.push(Buffer.from(m));
      if (opts.streaming) handler(stream, headers, body);
    }));
    if (!opts.streaming) stream.on('end', () => handler(stream, headers, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const fake: FakeServer = {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      for (const s of sessions) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  servers.push(fake);
  return fake;
}

function transport(endpoints: string[], opts: { callTimeoutMs?: number; connectTimeoutMs?: number; tls?: { ca: string } } = {}): GrpcTransport {
  const t = new GrpcTransport({ endpoints, ...opts });
  transports.push(t);
  return t;
}

const OK_HEADERS = { ':status': 200, 'content-type': 'application/grpc' };

/** answers every message with "echo:" + message, and status OK in trailers */
const echo: Handler = (stream, _h, body) => {
  stream.respond(OK_HEADERS, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(frameMessage(Buffer.from(`echo:${body.map(String).join('+')}`)));
};

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close(100)));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('gRPC transport: unary calls', () => {
  it('sends a gRPC POST and returns the response message; the session is reused', async () => {
    const srv = await fakeServer(echo);
    const t = transport([srv.url]);
    expect((await t.unary('/svc/Method', Buffer.from('a'))).toString()).toBe('echo:a');
    expect((await t.unary('/svc/Method', Buffer.from('b'))).toString()).toBe('echo:b');
    expect(srv.requests[0]).toMatchObject({ ':method': 'POST', ':path': '/svc/Method', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '15000m' });
    expect(new Set(srv.requests.map((r) => r[':authority'])).size).toBe(1);
  });

  it('reassembles a response message split across DATA frames', async () => {
    const payload = Buffer.alloc(100_000, 'z');
    const srv = await fakeServer((stream) => {
      stream.respond(OK_HEADERS, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      const framed = frameMessage(payload);
      let at = 0;
      const next = (): void => {
        if (at >= framed.length) return void stream.end();
        stream.write(framed.subarray(at, at + 7_000), () => setTimeout(next, 1));
        at += 7_000;
      };
      next();
    });
    const got = await transport([srv.url]).unary('/svc/Big', Buffer.alloc(0));
    expect(got.equals(payload)).toBe(true);
  });

  it('a trailers-only error response becomes a GrpcError with its code and message', async () => {
    const srv = await fakeServer((stream) => {
      stream.respond({ ...OK_HEADERS, 'grpc-status': '11', 'grpc-message': 'etcdserver:%20mvcc:%20required%20revision%20has%20been%20compacted' }, { endStream: true });
    });
    const err = await transport([srv.url]).unary('/etcdserverpb.KV/Range', Buffer.from('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrpcError);
    expect((err as GrpcError).code).toBe(11);
    expect((err as GrpcError).details).toBe('etcdserver: mvcc: required revision has been compacted');
    expect(isCompactedError(err)).toBe(true);
  });

  it('an error status in the trailers after headers', async () => {
    const srv = await fakeServer((stream) => {
      stream.respond(OK_HEADERS, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '9', 'grpc-message': 'no' }));
      stream.end();
    });
    await expect(transport([srv.url]).unary('/svc/M', Buffer.alloc(0))).rejects.toMatchObject({ code: 9, details: 'no' });
  });

  it('a non-gRPC answer (HTTP 503) is an UNAVAILABLE error naming the status', async () => {
    const srv = await fakeServer((stream) => stream.respond({ ':status': 503 }, { endStream: true }));
    await expect(transport([srv.url]).unary('/svc/M', Buffer.alloc(0))).rejects.toMatchObject({ code: 14, message: expect.stringMatching(/HTTP status 503/) });
  });

  it('a server that never answers: DEADLINE_EXCEEDED after the call timeout, and the next call still works', async () => {
    let answer = false;
    const srv = await fakeServer((stream, h, body) => (answer ? echo(stream, h, body) : undefined));
    const t = transport([srv.url], { callTimeoutMs: 300 });
    await expect(t.unary('/svc/Slow', Buffer.alloc(0))).rejects.toMatchObject({ code: 4, message: expect.stringMatching(/no answer within 300 ms/) });
    answer = true;
    expect((await t.unary('/svc/M', Buffer.from('again'))).toString()).toBe('echo:again');
  });

  it('fails over from an endpoint that refuses connections to the next one', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const srv = await fakeServer(echo);
    const t = transport([dead, srv.url]);
    expect((await t.unary('/svc/M', Buffer.from('x'))).toString()).toBe('echo:x');
    expect((await t.unary('/svc/M', Buffer.from('y'))).toString()).toBe('echo:y');
    expect(srv.requests).toHaveLength(2);
  });

  it('a peer that accepts the connection but answers nothing: the call times out, a ping goes unanswered, the next endpoint takes over', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const srv = await fakeServer(echo);
      const t = new GrpcTransport({ endpoints: [`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, srv.url], callTimeoutMs: 300, keepaliveTimeoutMs: 300 });
      transports.push(t);
      await expect(t.unary('/svc/M', Buffer.from('1'))).rejects.toMatchObject({ code: 4 });
      await new Promise((r) => setTimeout(r, 500)); // the ping's timeout drops the silent session
      expect((await t.unary('/svc/M', Buffer.from('2'))).toString()).toBe('echo:2');
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('every endpoint down: UNAVAILABLE naming the connection error', async () => {
    const t = transport([`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`]);
    await expect(t.unary('/svc/M', Buffer.alloc(0))).rejects.toMatchObject({ code: 14, message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('dials again after the server dropped the session', async () => {
    const srv = await fakeServer(echo);
    const t = transport([srv.url]);
    await t.unary('/svc/M', Buffer.from('1'));
    const port = Number(new URL(srv.url).port);
    await srv.close();
    servers.splice(servers.indexOf(srv), 1);
    await expect(t.unary('/svc/M', Buffer.from('2'))).rejects.toMatchObject({ code: 14 });
    // a new server on the same port: the same transport works again
    const again = http2.createServer();
    again.on('stream', (stream) => {
      const reader = new GrpcFrameReader();
      const body: Buffer[] = [];
      stream.on('data', (c: Buffer) => reader.push(c, (m) => body.push(Buffer.from(m))));
      stream.on('end', () => echo(stream, {}, body));
    });
    await new Promise<void>((r) => again.listen(port, '127.0.0.1', r));
    try {
      expect((await t.unary('/svc/M', Buffer.from('3'))).toString()).toBe('echo:3');
    } finally {
      await t.close(100);
      await new Promise<void>((r) => again.close(() => r()));
    }
  });

  it('refuses endpoints that are not http:// or https:// URLs, naming the value', () => {
    expect(() => new GrpcTransport({ endpoints: ['unix:///run/etcd.sock'] })).toThrow(/--etcd-servers.*"unix:\/\/\/run\/etcd.sock".*scheme unix:/);
    expect(() => new GrpcTransport({ endpoints: ['127.0.0.1:2379'] })).toThrow(/"127.0.0.1:2379"/);
    expect(() => new GrpcTransport({ endpoints: [] })).toThrow(/none given/);
  });

  it('after close(), calls are refused', async () => {
    const srv = await fakeServer(echo);
    const t = transport([srv.url]);
    await t.unary('/svc/M', Buffer.from('x'));
    await t.close();
    await expect(t.unary('/svc/M', Buffer.from('x'))).rejects.toMatchObject({ code: 14, message: expect.stringMatching(/closed/) });
  });

  it('an idle session does not hold the event loop (unref), a call in flight does', async () => {
    let release: (() => void) | undefined;
    const srv = await fakeServer((stream, h, body) => {
      release = () => echo(stream, h, body);
    });
    const t = transport([srv.url]);
    const tcpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const idleBaseline = tcpHandles(); // the server's listening socket and nothing of ours
    const call = t.unary('/svc/M', Buffer.from('x'));
    await new Promise((r) => setTimeout(r, 50));
    const during = tcpHandles();
    release!();
    await call;
    await new Promise((r) => setTimeout(r, 20));
    // in flight: our client socket is referenced; idle: it is not (the server side still is)
    expect(during).toBeGreaterThan(idleBaseline);
    expect(tcpHandles()).toBe(during - 1);
  });
});

describe('gRPC transport over TLS (https:// endpoints)', () => {
  let dir: string | undefined;
  let pki: Pki;
  const certs = (): Pki => {
    if (!dir) {
      dir = mkdtempSync(path.join(tmpdir(), 'skiff-test-etcd-tls-'));
      pki = ensurePki(dir);
    }
    return pki;
  };
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('calls an https:// endpoint over HTTP/2 with TLS, trusting the given CA', async () => {
    const srv = await fakeServer(echo, { tls: certs() });
    expect(srv.url).toMatch(/^https:/);
    expect((await transport([srv.url], { tls: { ca: certs().caPem } }).unary('/svc/M', Buffer.from('tls'))).toString()).toBe('echo:tls');
  });

  it('refuses a server certificate that the trusted roots do not cover', async () => {
    const srv = await fakeServer(echo, { tls: certs() });
    await expect(transport([srv.url]).unary('/svc/M', Buffer.from('x'))).rejects.toMatchObject({ code: 14, message: expect.stringMatching(/certificate/i) });
    expect(srv.requests).toHaveLength(0);
  });
});

describe('gRPC transport: bidirectional streams', () => {
  it('delivers each response message in order and ends with the server status', async () => {
    const srv = await fakeServer((stream, _h, body) => {
      if (body.length === 1) stream.respond(OK_HEADERS, { waitForTrailers: true });
      stream.write(frameMessage(Buffer.from(`got:${body[body.length - 1]}`)));
      if (body.length === 3) {
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end();
      }
    }, { streaming: true });
    const t = transport([srv.url]);
    const got: string[] = [];
    const closed = new Promise<unknown>((resolve) => {
      const s = t.openStream('/svc/Stream', Buffer.from('1'), {
        onMessage: (m) => {
          got.push(m.toString());
          if (got.length < 3) s.write(Buffer.from(String(got.length + 1)));
        },
        onClose: resolve,
      });
    });
    expect(await closed).toBeUndefined();
    expect(got).toEqual(['got:1', 'got:2', 'got:3']);
  });

  it('reports the loss of the session as an UNAVAILABLE error; cancel() is silent', async () => {
    const srv = await fakeServer((stream) => stream.respond(OK_HEADERS), { streaming: true });
    const t = transport([srv.url]);
    const quiet = t.openStream('/svc/Stream', Buffer.from('q'), { onMessage: () => undefined, onClose: () => expect.fail('cancelled stream reported a close') });
    const lost = new Promise<unknown>((resolve) => t.openStream('/svc/Stream', Buffer.from('1'), { onMessage: () => undefined, onClose: resolve }));
    await new Promise((r) => setTimeout(r, 50));
    quiet.cancel();
    await srv.close();
    servers.length = 0;
    const err = await lost;
    expect(err).toBeInstanceOf(GrpcError);
    expect((err as GrpcError).code).toBe(14);
  });
});
