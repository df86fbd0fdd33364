// The kubelet's streaming endpoints (HTTP upgrades on its HTTPS port): `/exec/...` and
// `/portForward/...` ask the runtime (CRI Exec / PortForward) for a one-time streaming URL and
// splice the caller's connection to it. Only cluster admins (the apiserver's token) may use them.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Pod } from '../../api/types/core.js';
import { proxyUpgrade } from '../../api/streaming/upgrade-proxy.js';
import { refuseUpgrade } from '../../api/streaming/upgrade-refusal.js';
import { LABEL_CONTAINER_NAME, LABEL_POD_UID } from '../cri/labels.js';
import type { RuntimeService } from '../cri/runtime-service.js';
import type { TokenAuthenticator } from '../server/token-authenticator.js';
import { parseStreamRequest, StreamRequestError, type StreamRequest } from './stream-request.js';

export interface KubeletStreamingDeps {
  auth: TokenAuthenticator;
  findPod(namespace: string, name: string): Pod | undefined;
  runtime: RuntimeService;
  log: Logger;
}

async function authorized(d: KubeletStreamingDeps, req: IncomingMessage): Promise<boolean> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const user = await d.auth.authenticate(m[1]!);
  return user?.groups.includes('system:masters') ?? false;
}

/** the runtime's streaming URL for R */
async function runtimeUrl(d: KubeletStreamingDeps, r: StreamRequest): Promise<string> {
  const pod = d.findPod(r.namespace, r.pod);
  const uid = pod?.metadata.uid;
  if (!pod || !uid) throw new StreamRequestError(404, `pod ${r.namespace}/${r.pod} is not running on this node`);
  if (r.kind === 'exec') {
    if (!d.runtime.exec) throw new StreamRequestError(400, 'the container runtime does not support exec');
    const running = await d.runtime.listContainers({ label_selector: { [LABEL_POD_UID]: uid, [LABEL_CONTAINER_NAME]: r.container }, state: { state: 'CONTAINER_RUNNING' } });
    const c = running.sort((a, b) => b.created_at - a.created_at)[0];
    if (!c) throw new StreamRequestError(400, `container ${r.container} of pod ${r.namespace}/${r.pod} is not running`);
    return d.runtime.exec({ container_id: c.id, ...r.exec });
  }
  if (!d.runtime.portForward) throw new StreamRequestError(400, 'the container runtime does not support port-forward');
  const sandboxes = await d.runtime.listPodSandbox({ label_selector: { [LABEL_POD_UID]: uid }, state: { state: 'SANDBOX_READY' } });
  const sb = sandboxes.sort((a, b) => b.created_at - a.created_at)[0];
  if (!sb) throw new StreamRequestError(400, `pod ${r.namespace}/${r.pod} has no ready sandbox`);
  return d.runtime.portForward(sb.id, r.ports);
}

/** handles one upgrade request on the kubelet's port; any other path is refused with 404 */
export async function serveKubeletUpgrade(d: KubeletStreamingDeps, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on('error', () => undefined);
  const url = new URL(req.url ?? '/', 'https://kubelet');
  try {
    const r = parseStreamRequest(url.pathname, url.searchParams);
    if (!r) return refuseUpgrade(socket, { code: 404, message: `404 page not found: ${url.pathname}` });
    if (!(await authorized(d, req))) return refuseUpgrade(socket, { code: 403, message: `forbidden: ${r.kind} needs cluster-admin credentials` });
    const target = await runtimeUrl(d, r);
    await proxyUpgrade(req, socket, head, { url: new URL(target) });
  } catch (e) {
    const code = e instanceof StreamRequestError ? e.code : 500;
    if (code === 500) d.log.warn({ url: req.url, err: (e as Error).message }, 'kubelet streaming request failed');
    refuseUpgrade(socket, { code, message: (e as Error).message });
  }
}
