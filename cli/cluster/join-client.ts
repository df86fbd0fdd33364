// An agent's first contact with a server: fetch the CA without trusting anything, check it against
// the hash in the join token, then trade the bootstrap token for the node's own credentials over a
// connection that now verifies the server.
import { request } from 'node:https';
import { caHash, type JoinToken } from '../../apiserver/join/join-token.js';
import { CACERTS_PATH, JOIN_PATH, type NodeCredentials } from '../../apiserver/join/join-routes.js';

function httpsCall(url: string, opts: { method: string; ca?: string; token?: string; body?: string }): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method,
        // only /cacerts is fetched unverified, and its content is then checked against the hash
        rejectUnauthorized: opts.ca !== undefined,
        ca: opts.ca,
        headers: {
          ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body ? { 'Content-Type': 'application/json' } : {}),
        },
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export async function fetchTrustedCa(server: string, token: JoinToken): Promise<string> {
  const res = await httpsCall(`${server}${CACERTS_PATH}`, { method: 'GET' });
  if (res.code !== 200) throw new Error(`${server}${CACERTS_PATH}: HTTP ${res.code}`);
  if (caHash(res.body) !== token.caHash) {
    throw new Error(`the CA served by ${server} does not match the join token's hash: refusing to join (wrong server, or a token from another cluster)`);
  }
  return res.body;
}

export async function joinCluster(server: string, token: JoinToken, nodeName: string): Promise<{ caPem: string; credentials: NodeCredentials }> {
  const caPem = await fetchTrustedCa(server, token);
  const res = await httpsCall(`${server}${JOIN_PATH}`, { method: 'POST', ca: caPem, token: token.bootstrapToken, body: JSON.stringify({ nodeName }) });
  if (res.code !== 200) {
    let message = res.body;
    try {
      message = (JSON.parse(res.body) as { message?: string }).message ?? res.body;
    } catch {
      // not a Status: keep the raw body
    }
    throw new Error(`join refused by ${server} (HTTP ${res.code}): ${message}`);
  }
  return { caPem, credentials: JSON.parse(res.body) as NodeCredentials };
}
