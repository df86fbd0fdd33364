import { describe, expect, it } from 'vitest';
import { parseStreamRequest, StreamRequestError } from '../../kubelet/streaming/stream-request.js';
import { kubeletStreamPath, parsePodStreamPath } from '../../apiserver/streaming/pod-stream-proxy.js';
import { responseHead, upstreamHeaders } from '../../api/streaming/upgrade-proxy.js';
import { execPath } from '../../cli/skiffctl/exec.js';
import type { Pod } from '../../api/types/core.js';

const pod = (containers: string[], phase = 'Running'): Pod =>
  ({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: containers.map((name) => ({ name, image: 'busybox' })) }, status: { phase } }) as unknown as Pod;

describe('streaming requests', () => {
  it('the apiserver recognises exec, attach and portforward on pods only', () => {
    expect(parsePodStreamPath('/api/v1/namespaces/default/pods/web/exec')).toEqual({ namespace: 'default', name: 'web', subresource: 'exec' });
    expect(parsePodStreamPath('/api/v1/namespaces/a/pods/b/portforward/')).toEqual({ namespace: 'a', name: 'b', subresource: 'portforward' });
    expect(parsePodStreamPath('/api/v1/namespaces/a/pods/b/log')).toBeUndefined();
    expect(parsePodStreamPath('/api/v1/namespaces/a/services/b/exec')).toBeUndefined();
  });

  it('the apiserver sends exec to the container kubectl named, passing only the exec parameters', () => {
    const q = new URLSearchParams('command=sh&command=-c&command=echo+a+b&container=c2&stdout=true&stderr=true&timeout=5s');
    expect(kubeletStreamPath({ namespace: 'default', name: 'web', subresource: 'exec' }, pod(['c1', 'c2']), q)).toBe(
      '/exec/default/web/c2?command=sh&command=-c&command=echo+a+b&stdout=true&stderr=true',
    );
    expect(() => kubeletStreamPath({ namespace: 'default', name: 'web', subresource: 'exec' }, pod(['c1', 'c2']), new URLSearchParams('command=ls'))).toThrow(/a container name must be specified/);
    expect(() => kubeletStreamPath({ namespace: 'default', name: 'web', subresource: 'exec' }, pod(['c1'], 'Succeeded'), new URLSearchParams('command=ls'))).toThrow(/completed pod/);
    expect(() => kubeletStreamPath({ namespace: 'default', name: 'web', subresource: 'attach' }, pod(['c1']), new URLSearchParams())).toThrow(/attach is not supported/);
    expect(kubeletStreamPath({ namespace: 'default', name: 'web', subresource: 'portforward' }, pod(['c1']), new URLSearchParams('ports=80,8080'))).toBe('/portForward/default/web?port=80&port=8080');
    expect(kubeletStreamPath({ namespace: 'default', name: 'web', subresource: 'portforward' }, pod(['c1']), new URLSearchParams())).toBe('/portForward/default/web');
  });

  it('the kubelet parses exec and port-forward requests', () => {
    expect(parseStreamRequest('/exec/ns/p/c', new URLSearchParams('command=ls&command=-l&stdout=true&stdin=1'))).toEqual({
      kind: 'exec',
      namespace: 'ns',
      pod: 'p',
      container: 'c',
      exec: { cmd: ['ls', '-l'], stdin: true, stdout: true, stderr: false, tty: false },
    });
    expect(parseStreamRequest('/portForward/ns/p', new URLSearchParams('port=8080'))).toEqual({ kind: 'portForward', namespace: 'ns', pod: 'p', ports: [8080] });
    expect(parseStreamRequest('/containerLogs/ns/p/c', new URLSearchParams())).toBeUndefined();
  });

  it('the kubelet refuses exec requests that cannot run', () => {
    const bad = (path: string, q: string): string => {
      try {
        parseStreamRequest(path, new URLSearchParams(q));
      } catch (e) {
        expect(e).toBeInstanceOf(StreamRequestError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad('/exec/ns/p/c', 'stdout=true')).toMatch(/command: Required value/);
    expect(bad('/exec/ns/p/c', 'command=ls')).toMatch(/at least 1 of stdin, stdout, stderr/);
    expect(bad('/exec/ns/p/c', 'command=ls&tty=true&stderr=true')).toMatch(/tty and stderr/);
    expect(bad('/exec/ns/p/c', 'command=ls&stdout=yes')).toMatch(/stdout: must be true or false, got "yes"/);
    expect(bad('/portForward/ns/p', 'port=70000')).toMatch(/port: invalid value "70000"/);
  });

  it('the upgrade proxy passes the upgrade headers on with its own credentials', () => {
    const h = upstreamHeaders({ host: 'a', authorization: 'Bearer user', upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-protocol': 'v5.channel.k8s.io' }, 'Bearer admin');
    expect(h).toEqual({ upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-protocol': 'v5.channel.k8s.io', authorization: 'Bearer admin' });
    expect(upstreamHeaders({ authorization: 'Bearer user', upgrade: 'SPDY/3.1' }, undefined)).toEqual({ upgrade: 'SPDY/3.1' });
    expect(responseHead(101, 'Switching Protocols', ['Upgrade', 'websocket', 'Transfer-Encoding', 'chunked'], new Set(['transfer-encoding']))).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
    );
  });

  it('skiffctl builds the exec URL kubectl would', () => {
    expect(execPath('default', 'web', 'c1', ['sh', '-c', 'echo a b'], false)).toBe('/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=echo+a+b&container=c1&stdout=true&stderr=true');
    expect(execPath('ns', 'p', 'c', ['cat'], true)).toContain('stdin=true');
  });
});
