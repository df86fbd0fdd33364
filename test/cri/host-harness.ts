// Per-run isolation for the real CRI tests: a `skiff` prefix, its own bridge name, pod CIDR and
// temp dirs, and a teardown that removes whatever a run left on the host (mounts under its dir,
// its bridge, its cgroups, portmap's shared chains when idle) and restores ip_forward, which the
// bridge plugin turns on for gateway mode.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HostHarness {
  prefix: string;
  bridge: string;
  podCidr: string;
  /** `10.A.B.`: the pod CIDR's /24 prefix */
  subnet: string;
  dir: string;
  root: string;
  socket: string;
  confDir: string;
  binDir: string;
  ipForwardBefore: string;
}

/** `kind` is one letter that tells runs of different suites apart in names. */
export function createHostHarness(kind: string): HostHarness {
  const tag = Math.random().toString(36).slice(2, 7);
  const prefix = `skiff-${kind}${tag}`;
  const a = 200 + Math.floor(Math.random() * 50);
  const b = Math.floor(Math.random() * 250);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const binDir = join(dir, 'cni-bin');
  mkdirSync(binDir);
  return {
    prefix,
    bridge: `sk${kind}${tag}`,
    podCidr: `10.${a}.${b}.0/24`,
    subnet: `10.${a}.${b}.`,
    dir,
    root: join(dir, 'root'),
    socket: join(dir, 'cri.sock'),
    confDir: join(dir, 'net.d'),
    binDir,
    ipForwardBefore: readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(),
  };
}

/**
 * portmap creates shared top-level nat chains (CNI-HOSTPORT-*) on first use and never removes
 * them. Remove them only when no mapping of anyone's is left in them, so a concurrent user of
 * portmap is never disturbed.
 */
export function removeIdlePortmapChains(): void {
  const nat = execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' });
  if (/^-A CNI-HOSTPORT-DNAT /m.test(nat) || /^-A CNI-DN-/m.test(nat)) return;
  const ipt = (...args: string[]) => {
    try {
      execFileSync('iptables', ['-t', 'nat', ...args], { stdio: 'ignore' });
    } catch {
      // not there
    }
  };
  ipt('-D', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT');
  ipt('-D', 'OUTPUT', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT');
  ipt('-D', 'POSTROUTING', '-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ');
  for (const chain of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) {
    ipt('-F', chain);
    ipt('-X', chain);
  }
}

/** Removes what the run left on the host; the runtime must have removed its pods first. */
export function cleanupHost(h: HostHarness): void {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mp = line.split(' ')[4];
    if (mp && mp.startsWith(h.dir)) execFileSync('umount', ['-l', mp], { stdio: 'ignore' });
  }
  try {
    execFileSync('ip', ['link', 'del', h.bridge], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  for (const ctl of readdirSync('/sys/fs/cgroup')) {
    const base = `/sys/fs/cgroup/${ctl}/${h.prefix}`;
    if (existsSync(base)) execFileSync('sh', ['-c', `find ${base} -depth -type d -exec rmdir {} \\; 2>/dev/null || true`]);
  }
  removeIdlePortmapChains();
  if (h.ipForwardBefore) writeFileSync('/proc/sys/net/ipv4/ip_forward', h.ipForwardBefore);
  rmSync(h.dir, { recursive: true, force: true });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns something other than undefined/false; throws naming `what`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
