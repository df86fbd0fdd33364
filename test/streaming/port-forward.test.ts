import { afterEach, describe, expect, it } from 'vitest';
import { Duplex, PassThrough } from 'node:stream';
import { pino } from 'pino';
import { decodeHeaderBlock, pingFrame, rstStreamFrame, TYPE_GOAWAY, TYPE_PING, TYPE_SYN_REPLY } from '../../runtime/streaming/spdy-frames.js';
import { servePortForwardSpdy, streamPort, type PortConnector } from '../../runtime/streaming/port-forward.js';
import { SpdyTestClient, syncFlush } from './spdy-test-client.js';

const log = pino({ level: 'silent' });
let client: SpdyTestClient | undefined;

afterEach(() => {
  client?.close();
  client = undefined;
});

/** a "pod" that answers every connection by echoing what it receives, upper-cased, then closing */
function echoPod(connections: { sandbox: string; port: number }[]): PortConnector {
  return async (sandbox, port) => {
    connections.push({ sandbox, port });
    const conn = new PassThrough();
    const upper = new PassThrough({
      transform(chunk: Buffer, _e, cb) {
        cb(null, Buffer.from(chunk.toString().toUpperCase()));
      },
    });
    conn.pipe(upper);
    return Duplex.from({ readable: upper, writable: conn });
  };
}

describe('port-forward over SPDY', () => {
  it('picks the port from the stream headers, within the requested ones', () => {
    expect(streamPort({ port: '8080' }, [])).toBe(8080);
    expect(streamPort({ port: '8080' }, [80, 8080])).toBe(8080);
    expect(streamPort({ port: '81' }, [80])).toMatch(/port 81 was not requested/);
    expect(streamPort({ port: '0' }, [])).toMatch(/invalid port header "0"/);
    expect(streamPort({}, [])).toMatch(/invalid port header ""/);
  });

  it('replies to both streams, splices the data stream to the pod, then ends both', async () => {
    client = new SpdyTestClient();
    const conns: { sandbox: string; port: number }[] = [];
    servePortForwardSpdy(client.serverIo, { sandboxId: 'sb1', ports: [] }, echoPod(conns), log);
    await client.synStream(1, { streamtype: 'error', port: '8080', requestid: '0' }, true);
    await client.synStream(3, { streamtype: 'data', port: '8080', requestid: '0' });
    const reply = await client.waitFor((f) => f.control && f.type === TYPE_SYN_REPLY);
    expect(reply.control && decodeHeaderBlock(await syncFlush(client.inflate, reply.payload.subarray(4)))).toEqual({});
    await client.waitFor((f) => f.control && f.type === TYPE_SYN_REPLY && f.payload.readUInt32BE(0) === 3);
    client.data(3, 'hello pod', true);
    await client.waitFor((f) => !f.control && f.streamId === 1 && (f.flags & 1) === 1);
    expect(client.streamData(3)).toEqual({ data: 'HELLO POD', fin: true });
    expect(client.streamData(1)).toEqual({ data: '', fin: true });
    expect(conns).toEqual([{ sandbox: 'sb1', port: 8080 }]);
  });

  it('writes a connection failure to the error stream', async () => {
    client = new SpdyTestClient();
    const refuse: PortConnector = async () => {
      throw new Error('connect to localhost:9: Connection refused');
    };
    servePortForwardSpdy(client.serverIo, { sandboxId: 'sb1', ports: [] }, refuse, log);
    await client.synStream(1, { streamtype: 'error', port: '9', requestid: '4' }, true);
    await client.synStream(3, { streamtype: 'data', port: '9', requestid: '4' });
    await client.waitFor((f) => !f.control && f.streamId === 1 && (f.flags & 1) === 1);
    expect(client.streamData(1).data).toBe('error forwarding port 9 to pod sb1: connect to localhost:9: Connection refused');
    expect(client.streamData(3).fin).toBe(true);
  });

  it('echoes pings, tolerates resets and answers GOAWAY by closing', async () => {
    client = new SpdyTestClient();
    servePortForwardSpdy(client.serverIo, { sandboxId: 'sb1', ports: [] }, echoPod([]), log);
    client.raw(pingFrame(11));
    const ping = await client.waitFor((f) => f.control && f.type === TYPE_PING);
    expect(ping.control && ping.payload.readUInt32BE(0)).toBe(11);
    await client.synStream(1, { streamtype: 'data', port: '80', requestid: '1' });
    client.raw(rstStreamFrame(1, 5));
    client.raw(Buffer.from([0x80, 3, 0, 7, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0]));
    await client.waitFor((f) => f.control && f.type === TYPE_GOAWAY);
  });
});
