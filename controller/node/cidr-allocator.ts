// Pod CIDRs for nodes: the cluster CIDR (10.244.0.0/16) cut into /mask subnets (a /24 per node),
// the first one no node holds. IPv4 only.
export class CidrError extends Error {}

export interface Ipv4Cidr {
  base: number;
  prefix: number;
}

export function parseIpv4(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new CidrError(`invalid IPv4 address ${JSON.stringify(s)}`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCidr(s: string, what = 'cidr'): Ipv4Cidr {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (!m || Number(m[2]) > 32) throw new CidrError(`${what}: invalid CIDR ${JSON.stringify(s)}`);
  const prefix = Number(m[2]);
  const ip = parseIpv4(m[1]);
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix };
}

export class CidrAllocator {
  private readonly count: number;
  private readonly size: number;

  constructor(
    private readonly cluster: Ipv4Cidr,
    private readonly maskSize: number,
  ) {
    if (maskSize < cluster.prefix || maskSize > 32) {
      throw new CidrError(`node-cidr-mask-size: ${maskSize} must be between the cluster prefix ${cluster.prefix} and 32`);
    }
    this.count = 2 ** (maskSize - cluster.prefix);
    this.size = 2 ** (32 - maskSize);
  }

  cidrAt(i: number): string {
    return `${formatIpv4(this.cluster.base + i * this.size)}/${this.maskSize}`;
  }

  /** the first subnet not in `used`, or undefined when the range is full */
  next(used: ReadonlySet<string>): string | undefined {
    for (let i = 0; i < this.count; i++) {
      const c = this.cidrAt(i);
      if (!used.has(c)) return c;
    }
    return undefined;
  }

  capacity(): number {
    return this.count;
  }
}
