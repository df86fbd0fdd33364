// pods/log proxied to a (fake) kubelet over HTTPS with a self-signed certificate: the path, the
// query, the admin token, and streaming with follow.
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { ensurePki } from '../../apiserver/pki.js';
import { pod, request } from './api-helper.js';

let s: TestApiServer;
let kubelet: https.Server;
let pkiDir: string;
const seen: { url: string; auth: string | undefined }[] = [];

beforeAll(async () => {
  s = await startTestApiServer({ insecure: true });
  pkiDir = mkdtempSync(path.join(tmpdir(), 'skiff-test-kubelet-pki-'));
  const pki = ensurePki(pkiDir);
  kubelet = https.createServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    if (req.url?.includes('follow=true')) {
      res.write('line 1\n');
      setTimeout(() => res.end('line 2\n'), 300);
    } else {
      res.end('hello from the container\n');
    }
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as AddressInfo).port;
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'log-node' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } };
  expect((await request(s.insecureUrl!, '/api/v1/nodes', { method: 'POST', body: node })).status).toBe(201);
  await request(s.insecureUrl!, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod('logged') });
  await request(s.insecureUrl!, '/api/v1/namespaces/default/pods/logged/binding', { method: 'POST', body: { kind: 'Binding', apiVersion: 'v1', metadata: { name: 'logged' }, target: { kind: 'Node', name: 'log-node' } } });
});
afterAll(async () => {
  await new Promise((r) => kubelet?.close(r));
  await s?.stop();
  rmSync(pkiDir, { recursive: true, force: true });
});

describe('pods/log', () => {
  it('proxies to the kubelet with the admin token and the query', async () => {
    const r = await request(s.url, '/api/v1/namespaces/default/pods/logged/log?tailLines=5&timestamps=true', { token: s.token, ca: s.caPem });
    expect(r.status).toBe(200);
    expect(r.text).toBe('hello from the container\n');
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    const last = seen[seen.length - 1]!;
    const u = new URL(last.url, 'https://kubelet');
    expect(u.pathname).toBe('/containerLogs/default/logged/c');
    expect(Object.fromEntries(u.searchParams)).toEqual({ tailLines: '5', timestamps: 'true' });
    expect(last.auth).toBe(`Bearer ${s.token}`);
  });

  it('streams with follow', async () => {
    const r = await request(s.url, '/api/v1/namespaces/default/pods/logged/log?follow=true&container=c', { token: s.token, ca: s.caPem });
    expect(r.text).toBe('line 1\nline 2\n');
  });

  it('rejects an unknown container', async () => {
    const r = await request(s.url, '/api/v1/namespaces/default/pods/logged/log?container=nope', { token: s.token, ca: s.caPem });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('container nope is not valid for pod logged');
  });
});
