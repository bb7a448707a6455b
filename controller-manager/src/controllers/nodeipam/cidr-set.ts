// CidrSet (pkg/controller/nodeipam/ipam/cidrset): the cluster CIDR cut into node-sized subnets, one bit each.
// allocateNext() hands out the next free subnet after the last one given (wrapping), occupy() marks subnets in
// use (rebuilding state from existing nodes), release() frees them. IPv4 only.
export class CidrSet {
  readonly clusterCIDR: string;
  readonly nodeMaskSize: number;
  private readonly base: number;
  private readonly clusterPrefix: number;
  private readonly max: number;
  private readonly bits: Uint8Array;
  private used = 0;
  private next = 0;

  constructor(clusterCIDR: string, nodeMaskSize: number) {
    const { base, prefix } = parseCIDR(clusterCIDR);
    if (nodeMaskSize < prefix || nodeMaskSize > 32) throw new Error(`node CIDR mask size ${nodeMaskSize} does not fit cluster CIDR ${clusterCIDR}`);
    if (nodeMaskSize - prefix > 16) throw new Error(`cluster CIDR ${clusterCIDR} with node mask /${nodeMaskSize} gives more than 65536 node subnets`);
    this.clusterCIDR = clusterCIDR;
    this.base = base;
    this.clusterPrefix = prefix;
    this.nodeMaskSize = nodeMaskSize;
    this.max = 2 ** (nodeMaskSize - prefix);
    this.bits = new Uint8Array(this.max);
  }

  get size(): number {
    return this.max;
  }
  get allocated(): number {
    return this.used;
  }

  private cidrAt(i: number): string {
    const ip = (this.base + i * 2 ** (32 - this.nodeMaskSize)) >>> 0;
    return `${formatIPv4(ip)}/${this.nodeMaskSize}`;
  }

  /** The next free subnet, marked used; undefined when the range is exhausted. */
  allocateNext(): string | undefined {
    for (let k = 0; k < this.max; k++) {
      const i = (this.next + k) % this.max;
      if (!this.bits[i]) {
        this.bits[i] = 1;
        this.used++;
        this.next = (i + 1) % this.max;
        return this.cidrAt(i);
      }
    }
    return undefined;
  }

  /** Indices of the node subnets a CIDR covers or lies in (empty when outside the cluster CIDR). */
  private indices(cidr: string): number[] {
    const { base, prefix } = parseCIDR(cidr);
    if (prefix < this.clusterPrefix) {
      // larger than the cluster range: covers all of it if it contains it
      const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
      return ((this.base & mask) >>> 0) === base ? Array.from({ length: this.max }, (_, i) => i) : [];
    }
    const cmask = this.clusterPrefix === 0 ? 0 : (~0 << (32 - this.clusterPrefix)) >>> 0;
    if (((base & cmask) >>> 0) !== this.base) return [];
    const step = 2 ** (32 - this.nodeMaskSize);
    const first = Math.floor((base - this.base) / step);
    const count = prefix >= this.nodeMaskSize ? 1 : 2 ** (this.nodeMaskSize - prefix);
    return Array.from({ length: count }, (_, i) => first + i).filter((i) => i < this.max);
  }

  /** Marks the subnets a CIDR covers as used; false when it is outside the cluster CIDR. */
  occupy(cidr: string): boolean {
    const idx = this.indices(cidr);
    for (const i of idx) {
      if (!this.bits[i]) {
        this.bits[i] = 1;
        this.used++;
      }
    }
    return idx.length > 0;
  }

  release(cidr: string): void {
    for (const i of this.indices(cidr)) {
      if (this.bits[i]) {
        this.bits[i] = 0;
        this.used--;
      }
    }
  }

  isOccupied(cidr: string): boolean {
    const idx = this.indices(cidr);
    return idx.length > 0 && idx.every((i) => this.bits[i] === 1);
  }
}

export function parseIPv4(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4) throw new Error(`invalid IPv4 address "${s}"`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`invalid IPv4 address "${s}"`);
    n = n * 256 + Number(p);
  }
  return n >>> 0;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses "a.b.c.d/p" into its network base (host bits cleared) and prefix length. */
export function parseCIDR(cidr: string): { base: number; prefix: number } {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) throw new Error(`invalid CIDR "${cidr}"`);
  const prefix = Number(m[2]);
  if (prefix > 32) throw new Error(`invalid CIDR "${cidr}"`);
  const ip = parseIPv4(m[1]!);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}
