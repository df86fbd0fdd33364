// The capabilities this host lets a container have: the runtime's own bounding set
// (/proc/self/status CapBnd), so privileged and "ALL" never ask for one the kernel refuses.
import { readFileSync } from 'node:fs';
import { capabilityNumbers } from '../executor/capabilities.js';

/** Pure: the names whose bits are set in a CapBnd hex mask. */
export function capabilitiesInMask(hexMask: string): string[] {
  const mask = BigInt(`0x${hexMask.trim()}`);
  return Object.entries(capabilityNumbers)
    .filter(([, n]) => (mask >> BigInt(n)) & 1n)
    .map(([name]) => name)
    .sort();
}

export function hostCapabilities(statusPath = '/proc/self/status'): string[] {
  const m = /^CapBnd:\s*([0-9a-fA-F]+)$/m.exec(readFileSync(statusPath, 'utf8'));
  return m ? capabilitiesInMask(m[1]) : [];
}
