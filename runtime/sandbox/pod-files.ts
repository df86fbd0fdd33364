// The files every container of a pod shares: /etc/hosts, /etc/hostname, /etc/resolv.conf. They are
// rendered here (pure) and written once into the sandbox dir, then bind-mounted into each container.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface DnsConfigLike {
  servers: string[];
  searches: string[];
  options: string[];
}

export function renderHosts(hostname: string, podIp: string): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (hostname) lines.push(`${podIp || '127.0.1.1'}\t${hostname}`);
  return `${lines.join('\n')}\n`;
}

/** Loopback nameservers (systemd-resolved's 127.0.0.53 and the like) are unreachable from a pod. */
function isLoopback(server: string): boolean {
  return server.startsWith('127.') || server === '::1';
}

/** From the sandbox's DNS config, else the host's resolv.conf minus loopback nameservers. */
export function renderResolvConf(dns: DnsConfigLike | null | undefined, hostResolvConf: string): string {
  if (dns && (dns.servers.length > 0 || dns.searches.length > 0 || dns.options.length > 0)) {
    const lines: string[] = [];
    if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(' ')}`);
    for (const s of dns.servers) lines.push(`nameserver ${s}`);
    if (dns.options.length > 0) lines.push(`options ${dns.options.join(' ')}`);
    return `${lines.join('\n')}\n`;
  }
  const kept = hostResolvConf
    .split('\n')
    .filter((line) => {
      const m = /^\s*nameserver\s+(\S+)/.exec(line);
      return !m || !isLoopback(m[1]);
    })
    .join('\n')
    .trim();
  return kept ? `${kept}\n` : '';
}

export interface PodFilePaths {
  hosts: string;
  hostname: string;
  resolvConf: string;
}

export function podFilePaths(sandboxDir: string): PodFilePaths {
  return {
    hosts: join(sandboxDir, 'hosts'),
    hostname: join(sandboxDir, 'hostname'),
    resolvConf: join(sandboxDir, 'resolv.conf'),
  };
}

export async function writePodFiles(
  sandboxDir: string,
  opts: { hostname: string; podIp: string; dns: DnsConfigLike | null | undefined; hostResolvConfPath?: string },
): Promise<PodFilePaths> {
  const paths = podFilePaths(sandboxDir);
  let hostResolv = '';
  try {
    hostResolv = await fs.readFile(opts.hostResolvConfPath ?? '/etc/resolv.conf', 'utf8');
  } catch {
    hostResolv = '';
  }
  await fs.writeFile(paths.hosts, renderHosts(opts.hostname, opts.podIp), { mode: 0o644 });
  await fs.writeFile(paths.hostname, `${opts.hostname}\n`, { mode: 0o644 });
  await fs.writeFile(paths.resolvConf, renderResolvConf(opts.dns, hostResolv), { mode: 0o644 });
  return paths;
}
