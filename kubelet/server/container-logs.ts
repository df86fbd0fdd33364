// GET /containerLogs/{namespace}/{pod}/{container}: finds the container's CRI log file
// (`<log dir>/<container>/<attempt>.log`, attempt N-1 for `previous`) and streams it.
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Pod } from '../../api/types/core.js';
import { LABEL_CONTAINER_NAME, LABEL_POD_UID } from '../cri/labels.js';
import type { RuntimeService } from '../cri/runtime-service.js';
import { containerLogPath } from '../cri-config/container-config.js';
import { podLogDirectory } from '../cri-config/sandbox-config.js';
import { streamLog } from '../logs/log-streamer.js';

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  query: URLSearchParams;
}

export class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `${name}: must be a non-negative integer, got "${v}"`);
  return n;
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1' || v === '';
}

export interface LogOptionsParsed {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceMs?: number;
}

export function parseLogQuery(q: URLSearchParams, now: number): LogOptionsParsed {
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs)) throw new HttpError(400, `sinceTime: not an RFC 3339 time: "${sinceTime}"`);
  }
  return {
    follow: q.has('follow') && boolParam(q, 'follow'),
    previous: q.has('previous') && boolParam(q, 'previous'),
    timestamps: q.has('timestamps') && boolParam(q, 'timestamps'),
    tailLines: intParam(q, 'tailLines'),
    limitBytes: intParam(q, 'limitBytes'),
    sinceMs,
  };
}

export interface ContainerLogsDeps {
  findPod(namespace: string, name: string): Pod | undefined;
  runtime: RuntimeService;
  rootDir: string;
}

export async function serveContainerLogs(d: ContainerLogsDeps, req: LogRequest, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const pod = d.findPod(req.namespace, req.pod);
  if (!pod) throw new HttpError(404, `pod "${req.pod}" not found in namespace "${req.namespace}" on this node`);
  const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
  if (!names.includes(req.container)) {
    throw new HttpError(400, `container ${req.container} is not valid for pod ${req.pod}, choose one of: [${names.join(' ')}]`);
  }
  const opts = parseLogQuery(req.query, Date.now());
  const uid = pod.metadata.uid ?? '';
  const containers = (await d.runtime.listContainers({ label_selector: { [LABEL_POD_UID]: uid, [LABEL_CONTAINER_NAME]: req.container } })).sort(
    (a, b) => b.metadata.attempt - a.metadata.attempt,
  );
  const latest = containers[0];
  if (!latest) throw new HttpError(400, `container "${req.container}" in pod "${req.pod}" is waiting to start: ContainerCreating`);
  const attempt = opts.previous ? latest.metadata.attempt - 1 : latest.metadata.attempt;
  if (attempt < 0) throw new HttpError(400, `previous terminated container "${req.container}" in pod "${req.pod}" not found`);
  const path = join(podLogDirectory(d.rootDir, pod), containerLogPath(req.container, attempt));
  const followId = opts.previous ? undefined : latest.id;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  await streamLog(path, res, {
    ...opts,
    follow: opts.follow && followId !== undefined,
    signal,
    stillRunning: async () => {
      const found = await d.runtime.listContainers({ id: followId });
      return found.some((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED');
    },
  });
}
