// `npm run demo`: brings a single-node cluster up in the background (or uses the one already running
// on the data dir), applies manifests/pod-shared-localhost.yaml, waits for the pod, and prints the
// client container's log lines: the page it fetched from the web container over localhost.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterLayout, DEFAULT_DATA_DIR } from './cluster/layout.js';
import { runningPid } from './cluster/pid-file.js';
import { waitFor, waitForFile } from './cluster/readiness.js';
import { waitForNodeReady } from './cluster/node-ready.js';
import { SKIFF_BIN } from './cluster/components.js';
import { loadKubeconfig } from '../client/kubeconfig.js';

const SKIFFCTL_BIN = fileURLToPath(new URL('../../bin/skiffctl', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../../manifests/pod-shared-localhost.yaml', import.meta.url));

function say(m: string): void {
  process.stdout.write(`demo: ${m}\n`);
}

function skiffctl(kubeconfig: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [SKIFFCTL_BIN, '--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

export async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('demo: run as root (the cluster creates namespaces, mounts, cgroups and a bridge)\n');
    return 1;
  }
  const layout = clusterLayout(process.env.SKIFF_DATA_DIR ?? DEFAULT_DATA_DIR);
  mkdirSync(layout.logsDir, { recursive: true });
  let pid = runningPid(join(layout.dataDir, 'up.pid'));
  if (pid) {
    say(`using the cluster already running on ${layout.dataDir} (pid ${pid})`);
  } else {
    const out = openSync(join(layout.logsDir, 'up.log'), 'a');
    const child = spawn(process.execPath, [SKIFF_BIN, 'up', '--data-dir', layout.dataDir], { detached: true, stdio: ['ignore', out, out] });
    child.unref();
    pid = child.pid!;
    say(`started skiff up --data-dir ${layout.dataDir} in the background (pid ${pid}, output in ${join(layout.logsDir, 'up.log')})`);
  }
  await waitForFile('the kubeconfig', layout.kubeconfig, 120_000);
  await waitForNodeReady(loadKubeconfig({ kubeconfig: layout.kubeconfig }).config, hostname().toLowerCase(), 180_000);
  say('the node is Ready');

  const applied = skiffctl(layout.kubeconfig, ['apply', '-f', MANIFEST]);
  process.stdout.write(applied.out);
  if (applied.code !== 0) return 1;

  say('waiting for the pod to run and the client to fetch the page over localhost...');
  let lines: string[] = [];
  await waitFor(
    'the client container to log a page fetched over localhost',
    async () => {
      const logs = skiffctl(layout.kubeconfig, ['logs', 'shared-localhost', '-c', 'client', '--tail', '3']);
      lines = logs.out.split('\n').filter((l) => l.startsWith('fetched over localhost: hello'));
      return logs.code === 0 && lines.length > 0;
    },
    180_000,
  );
  process.stdout.write(`\n${skiffctl(layout.kubeconfig, ['get', 'pods', '-o', 'wide']).out}\n`);
  say('the client container logged (it fetched http://localhost:8080/ served by the web container):');
  for (const l of lines) process.stdout.write(`  ${l}\n`);
  process.stdout.write(`
The cluster keeps running (skiff up, pid ${pid}). Try:
  export KUBECONFIG=${layout.kubeconfig}
  kubectl get pods
  skiffctl logs shared-localhost -c client -f
Stop it (pods are stopped and everything is cleaned up):
  ${existsSync(SKIFF_BIN) ? SKIFF_BIN : 'skiff'} down --data-dir ${layout.dataDir}
`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    process.stderr.write(`demo: ${err.message}\n`);
    process.exitCode = 1;
  },
);
