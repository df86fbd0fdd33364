// Facts about this machine for the Node object: CPUs, memory, addresses, kernel, OS image,
// machine and boot IDs. Read once at start (the boot ID cannot change while we run).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { NodeSystemInfo } from '../../api/types/core.js';

export const KUBELET_VERSION = 'v1.32.0-skiff';

function readTrim(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** PRETTY_NAME from an os-release file's text */
export function osImageFrom(osRelease: string): string {
  const m = /^PRETTY_NAME=(?:"([^"]*)"|(.*))$/m.exec(osRelease);
  return (m?.[1] ?? m?.[2] ?? '').trim() || 'Linux';
}

/** The first non-internal IPv4 address, as the node's InternalIP when none is given. */
export function firstNonLoopbackIPv4(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string | undefined {
  for (const list of Object.values(ifaces)) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

export function goArch(arch: string = os.arch()): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

export interface MachineFacts {
  cpuCores: number;
  memoryBytes: number;
  hostname: string;
  info: Omit<NodeSystemInfo, 'containerRuntimeVersion'>;
}

export function readMachineFacts(): MachineFacts {
  const machineID = readTrim('/etc/machine-id') || readTrim('/var/lib/dbus/machine-id');
  return {
    cpuCores: os.cpus().length,
    memoryBytes: os.totalmem(),
    hostname: os.hostname(),
    info: {
      machineID,
      systemUUID: readTrim('/sys/class/dmi/id/product_uuid').toLowerCase() || machineID,
      bootID: readTrim('/proc/sys/kernel/random/boot_id'),
      kernelVersion: os.release(),
      osImage: osImageFrom(readTrim('/etc/os-release') || readTrim('/usr/lib/os-release')),
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: goArch(),
    },
  };
}
