// `npm run bench:apiserver`: in one run, against one etcd —
//   1. N raw etcd puts of values the size of a stored pod, concurrency 64 (the reference);
//   2. N pod creates through the apiserver (HTTPS, token, keep-alive), concurrency 64: rate, p50, p99;
//      1 and 2 alternate for BENCH_ROUNDS rounds (default 3); rates and ratio are the rounds' medians;
//   3. listing 10,000 pods;
//   4. the delay from a create being acknowledged to its event reaching each of 100 watchers (p99).
// The apiserver runs as its own process (`skiff apiserver`), as it would in a cluster.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { parse as parseYaml } from 'yaml';
import { startManagedEtcd } from '../apiserver/storage/managed-etcd.js';
import { cpuSeconds, percentile, pool } from './bench-stats.js';

const N = Number(process.env.BENCH_N ?? 10_000);
const CONCURRENCY = 64;
const WATCHERS = 100;
const WATCH_CREATES = Number(process.env.BENCH_WATCH_CREATES ?? 200);
// enough for both clients and the apiserver to reach their optimized code (fewer measured cold JIT)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Api {
  base: string;
  agent: https.Agent;
  token: string;
}

function call(api: Api, method: string, p: string, body?: unknown): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(`${api.base}${p}`, {
      method,
      agent: api.agent,
      headers: {
        Authorization: `Bearer ${api.token}`,
        Accept: 'application/json',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function podBody(name: string): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

async function waitForFile(file: string, timeoutMs: number, child: { exitCode: number | null }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`skiff apiserver exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skiff-bench-apiserver-'));
  const etcd = await startManagedEtcd({ dataDir: path.join(dir, 'etcd') });
  const here = path.dirname(fileURLToPath(import.meta.url));
  const skiff = path.join(here, '..', '..', 'bin', 'skiff');
  const child = spawn(process.execPath, [...(process.env.BENCH_APISERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), skiff, 'apiserver', '--data-dir', path.join(dir, 'api'), '--secure-port', '0', '--bind-address', '127.0.0.1', '--etcd-servers', etcd.endpoint, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const etcdClient = new Etcd3({ hosts: [etcd.endpoint] });
  try {
    const kubeconfig = path.join(dir, 'api', 'kubeconfig');
    await waitForFile(kubeconfig, 30_000, child);
    const kc = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    const api: Api = {
      base: kc.clusters[0]!.cluster.server,
      token: kc.users[0]!.user.token,
      agent: new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2, ca: Buffer.from(kc.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString() }),
    };
    for (const ns of [...Array.from({ length: ROUNDS }, (_, i) => `bench-${i + 1}`), 'warm', 'watch']) {
      const r = await call(api, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      if (r.status !== 201) throw new Error(`creating namespace ${ns}: ${r.status} ${r.text}`);
    }
    // Warm both paths (JIT, connections), and learn the stored size of a pod.
    await pool(WARMUP, CONCURRENCY, async (i) => {
      const r = await call(api, 'POST', '/api/v1/namespaces/warm/pods', podBody(`warm-${i}`));
      if (r.status !== 201) throw new Error(`warm-up create: ${r.status} ${r.text}`);
    });
    const sample = await etcdClient.get('/registry/pods/warm/warm-0').buffer();
    const valueSize = sample?.length ?? 1500;
    const value = Buffer.alloc(valueSize, 'x');
    await pool(WARMUP, CONCURRENCY, async (i) => void (await etcdClient.kv.put({ key: Buffer.from(`/bench-warm/${i}`), value })));

    // 1 and 2, in alternating rounds (etcd, API, etcd, API, ...): the VM's noise hits both alike, and
    // the ratio reported is the median of the rounds' ratios.
    interface Round { etcdRate: number; apiRate: number; ratio: number; lat: number[] }
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const rawCpuBefore = [cpuSeconds(etcd.pid), process.cpuUsage()] as const;
      const etcdSeconds = await pool(N, CONCURRENCY, async (i) => void (await etcdClient.kv.put({ key: Buffer.from(`/bench-raw/${round}/${String(i).padStart(6, '0')}`), value })));
      const etcdRate = N / etcdSeconds;
      const rawSelf = process.cpuUsage(rawCpuBefore[1]);
      console.log(`round ${round} etcd: ${N} puts of ${valueSize} B (etcd3 client), concurrency ${CONCURRENCY}: ${etcdRate.toFixed(0)} puts/s; cpu: etcd ${(cpuSeconds(etcd.pid) - rawCpuBefore[0]).toFixed(2)} s, bench client ${((rawSelf.user + rawSelf.system) / 1e6).toFixed(2)} s, over ${etcdSeconds.toFixed(2)} s`);

      const lat: number[] = [];
      const cpuBefore = [cpuSeconds(child.pid), cpuSeconds(etcd.pid), process.cpuUsage()] as const;
      const apiSeconds = await pool(N, CONCURRENCY, async (i) => {
        const t0 = performance.now();
        const r = await call(api, 'POST', `/api/v1/namespaces/bench-${round}/pods`, podBody(`p-${String(i).padStart(6, '0')}`));
        lat.push(performance.now() - t0);
        if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text}`);
      });
      const selfCpu = process.cpuUsage(cpuBefore[2]);
      const apiRate = N / apiSeconds;
      console.log(`round ${round} api:  ${N} pod creates over HTTPS, concurrency ${CONCURRENCY}: ${apiRate.toFixed(0)} creates/s (ratio ${(apiRate / etcdRate).toFixed(2)}); cpu: apiserver ${(cpuSeconds(child.pid) - cpuBefore[0]).toFixed(2)} s, etcd ${(cpuSeconds(etcd.pid) - cpuBefore[1]).toFixed(2)} s, bench client ${((selfCpu.user + selfCpu.system) / 1e6).toFixed(2)} s, over ${apiSeconds.toFixed(2)} s`);
      rounds.push({ etcdRate, apiRate, ratio: apiRate / etcdRate, lat });
    }
    const etcdRate = percentile(rounds.map((r) => r.etcdRate), 50);
    const apiRate = percentile(rounds.map((r) => r.apiRate), 50);
    const ratio = percentile(rounds.map((r) => r.ratio), 50);
    const lat = rounds.flatMap((r) => r.lat);
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    console.log(`etcd: median ${etcdRate.toFixed(0)} puts/s over ${ROUNDS} rounds`);
    console.log(`api:  median ${apiRate.toFixed(0)} creates/s over ${ROUNDS} rounds, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    console.log(`ratio api/etcd: ${ratio.toFixed(2)}, median of the rounds' ratios (target >= 0.60)`);

    // 3. list 10,000 pods (the first N created above; N defaults to 10,000)
    const listTimes: number[] = [];
    let listed = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = await call(api, 'GET', '/api/v1/namespaces/bench-1/pods');
      listTimes.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`list: ${r.status}`);
      listed = (JSON.parse(r.text) as { items: unknown[] }).items.length;
    }
    listTimes.sort((a, b) => a - b);
    const listMs = listTimes[1]!;
    console.log(`list: ${listed} pods in ${listMs.toFixed(0)} ms (median of 3; target <= 1000 ms)`);

    // 4. watch fan-out delay
    const acked = new Map<string, number>();
    const delays: number[] = [];
    const rv = (JSON.parse((await call(api, 'GET', '/api/v1/namespaces/watch/pods')).text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watchers: ClientRequest[] = [];
    let received = 0;
    const pendingByName = new Map<string, number[]>();
    await Promise.all(
      Array.from({ length: WATCHERS }, () =>
        new Promise<void>((resolve, reject) => {
          const req = https.request(`${api.base}/api/v1/namespaces/watch/pods?watch=true&resourceVersion=${rv}`, {
            agent: false,
            ca: api.agent.options.ca,
            headers: { Authorization: `Bearer ${api.token}` },
          }, (res) => {
            let buf = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => {
              const now = performance.now();
              buf += c;
              let i;
              while ((i = buf.indexOf('\n')) >= 0) {
                const line = buf.slice(0, i);
                buf = buf.slice(i + 1);
                const name = (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name;
                const t = acked.get(name);
                if (t === undefined) (pendingByName.get(name) ?? pendingByName.set(name, []).get(name)!).push(now);
                else delays.push(Math.max(0, now - t));
                received++;
              }
            });
            resolve();
          });
          req.on('error', reject);
          req.end();
          watchers.push(req);
        }),
      ),
    );
    await pool(WATCH_CREATES, 4, async (i) => {
      const name = `w-${i}`;
      const r = await call(api, 'POST', '/api/v1/namespaces/watch/pods', podBody(name));
      const t = performance.now();
      acked.set(name, t);
      for (const early of pendingByName.get(name) ?? []) delays.push(Math.max(0, early - t));
      pendingByName.delete(name);
      if (r.status !== 201) throw new Error(`watch create: ${r.status}`);
    });
    const deadline = Date.now() + 30_000;
    while (received < WATCH_CREATES * WATCHERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const w of watchers) w.destroy();
    delays.sort((a, b) => a - b);
    const watchP99 = percentile(delays, 99);
    console.log(`watch: ${WATCH_CREATES} creates x ${WATCHERS} watchers, ${received} events received; delay from create ack to event: p50 ${percentile(delays, 50).toFixed(1)} ms, p99 ${watchP99.toFixed(1)} ms (target <= 100 ms)`);
    if (received < WATCH_CREATES * WATCHERS) throw new Error(`only ${received} of ${WATCH_CREATES * WATCHERS} watch events arrived`);

    api.agent.destroy();
    console.log(
      `BENCH ${JSON.stringify({
        api_creates_per_s: Math.round(apiRate),
        ratio: Number(ratio.toFixed(2)),
        etcd_puts_per_s: Math.round(etcdRate),
        p50_ms: Number(p50.toFixed(1)),
        p99_ms: Number(p99.toFixed(1)),
        list_10k_ms: Math.round(listMs),
        watch_p99_ms: Number(watchP99.toFixed(1)),
      })}`,
    );
  } finally {
    etcdClient.close();
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
