// Joining a node: the agent pins the CA by the hash in its join token, trades the bootstrap token
// for a node token, and that token is limited to the node's own objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caHash, newBootstrapToken } from '../../apiserver/join/join-token.js';
import { addBootstrapToken, tokensFile } from '../../apiserver/join/token-store.js';
import { joinCluster } from '../../cli/cluster/join-client.js';
import { ApiClient } from '../../client/rest-client.js';
import type { KubeObject } from '../../api/types/meta.js';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';

describe('node join', () => {
  let api: TestApiServer;
  beforeAll(async () => {
    api = await startTestApiServer();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('hands a node its own credentials, limited to its own objects', async () => {
    const bootstrapToken = newBootstrapToken();
    addBootstrapToken(tokensFile(api.dataDir), bootstrapToken, new Date(Date.now() + 60_000));
    const { caPem, credentials } = await joinCluster(api.url, { caHash: caHash(api.caPem), bootstrapToken }, 'node-a');
    expect(caPem).toBe(api.caPem);
    expect(credentials.nodeName).toBe('node-a');
    // a second join of the same node gets the same token
    const again = await joinCluster(api.url, { caHash: caHash(api.caPem), bootstrapToken }, 'node-a');
    expect(again.credentials.token).toBe(credentials.token);

    const node = new ApiClient({ server: api.url, caData: caPem, token: credentials.token });
    const nodes = node.resource<KubeObject>('nodes');
    await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
    await expect(nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b' } })).rejects.toMatchObject({ code: 403 });
    await expect(
      node.resource<KubeObject>('pods').create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }),
    ).rejects.toMatchObject({ code: 403 });
    expect((await nodes.list()).items.map((n) => n.metadata.name)).toEqual(['node-a']);
  });

  it('refuses a server whose CA does not match the token, and an unknown or expired token', async () => {
    const bootstrapToken = newBootstrapToken();
    addBootstrapToken(tokensFile(api.dataDir), bootstrapToken, new Date(Date.now() - 1000));
    await expect(joinCluster(api.url, { caHash: '0'.repeat(64), bootstrapToken }, 'node-c')).rejects.toThrow(/does not match the join token's hash/);
    await expect(joinCluster(api.url, { caHash: caHash(api.caPem), bootstrapToken }, 'node-c')).rejects.toThrow(/HTTP 401.*join token/);
    await expect(joinCluster(api.url, { caHash: caHash(api.caPem), bootstrapToken: newBootstrapToken() }, 'node-c')).rejects.toThrow(/HTTP 401/);
  });

  it('rejects a bad node name, naming the field and the value', async () => {
    const bootstrapToken = newBootstrapToken();
    addBootstrapToken(tokensFile(api.dataDir), bootstrapToken, undefined);
    await expect(joinCluster(api.url, { caHash: caHash(api.caPem), bootstrapToken }, 'Bad_Name')).rejects.toThrow(/HTTP 400.*nodeName: Invalid value: "Bad_Name"/);
  });

  it('a bootstrap token opens nothing but the join', async () => {
    const bootstrapToken = newBootstrapToken();
    addBootstrapToken(tokensFile(api.dataDir), bootstrapToken, undefined);
    // the authenticator re-reads tokens.json at most every 500 ms: let it see the new token, so the
    // answer below is the authorizer's (403), not "unknown token" (401)
    await new Promise((r) => setTimeout(r, 700));
    const boot = new ApiClient({ server: api.url, caData: api.caPem, token: bootstrapToken });
    await expect(boot.resource<KubeObject>('pods').list('default')).rejects.toMatchObject({ code: 403 });
  });
});
