// Allocation of unique values (service IPs, node ports) from a range, persisted in storage as one key per
// allocated value (create-if-absent is the compare-and-swap), so allocations survive restarts and concurrent
// writers never hand out the same value twice.
import { errors, type KubeObject } from '@kubets/api';
import type { Storage } from '../storage/interface';
import { bigIntToIp, familyOf, ipToBigInt, type IPFamily } from './ip';

export interface RangeAllocatorOptions {
  storage: Storage;
  /** storage prefix for allocation keys, e.g. /registry/ipallocations/ */
  keyPrefix: string;
  kind: string;
  size: number;
  /** value <-> offset */
  toValue(offset: number): string;
  /** offset or undefined when outside the range */
  toOffset(value: string): number | undefined;
  /** offsets never handed out at random (network/broadcast addresses, reserved IPs) */
  reserved: Set<number>;
}

export class RangeAllocator {
  constructor(private readonly o: RangeAllocatorOptions) {}

  private key(value: string): string {
    return this.o.keyPrefix + value;
  }

  contains(value: string): boolean {
    return this.o.toOffset(value) !== undefined;
  }

  private record(value: string, owner: string): KubeObject {
    return { apiVersion: 'v1', kind: this.o.kind, metadata: { name: value }, owner } as KubeObject;
  }

  async isAllocated(value: string): Promise<boolean> {
    try {
      await this.o.storage.get(this.key(value));
      return true;
    } catch (e) {
      if ((e as { status?: { code?: number } }).status?.code === 404) return false;
      throw e;
    }
  }

  /** Allocates a specific value; false if it is taken. */
  async allocate(value: string, owner: string, dryRun = false): Promise<boolean> {
    if (dryRun) return !(await this.isAllocated(value));
    try {
      await this.o.storage.create(this.key(value), this.record(value, owner));
      return true;
    } catch (e) {
      if ((e as { status?: { code?: number } }).status?.code === 409) return false;
      throw e;
    }
  }

  /** Allocates any free value, starting at a random offset. */
  async allocateNext(owner: string, dryRun = false): Promise<string> {
    const size = this.o.size;
    const start = Math.floor(Math.random() * size);
    const maxTries = Math.min(size, 4096);
    for (let i = 0; i < size; i++) {
      const off = (start + i) % size;
      if (this.o.reserved.has(off)) continue;
      const v = this.o.toValue(off);
      if (await this.allocate(v, owner, dryRun)) return v;
      if (i > maxTries) break;
    }
    // exhaustive scan through existing allocations for small, nearly full ranges
    const used = new Set((await this.o.storage.list(this.o.keyPrefix)).items.map((i) => i.metadata.name ?? ''));
    for (let off = 0; off < size; off++) {
      if (this.o.reserved.has(off)) continue;
      const v = this.o.toValue(off);
      if (!used.has(v) && (await this.allocate(v, owner, dryRun))) return v;
    }
    throw errors.internal(`range is full: no ${this.o.kind} left to allocate`);
  }

  async release(value: string): Promise<void> {
    try {
      await this.o.storage.delete(this.key(value));
    } catch (e) {
      if ((e as { status?: { code?: number } }).status?.code !== 404) throw e;
    }
  }
}

export interface Cidr {
  family: IPFamily;
  base: bigint;
  bits: number;
  size: number;
  text: string;
}

/** IPv4 /8 to /30, IPv6 /108 to /126 (kube-apiserver refuses service ranges of more than 2^20 addresses). */
export function parseCidr(cidr: string): Cidr {
  const [ip, bitsText] = cidr.trim().split('/');
  const family = familyOf(ip ?? '');
  const n = ipToBigInt(ip ?? '');
  const bits = Number(bitsText);
  const width = family === 'IPv6' ? 128 : 32;
  const [min, max] = family === 'IPv6' ? [108, 126] : [8, 30];
  if (!family || n === undefined || !Number.isInteger(bits) || bits < min || bits > max) {
    throw new Error(`invalid service CIDR ${cidr} (IPv4 /8 to /30, IPv6 /108 to /126)`);
  }
  const size = 2 ** (width - bits);
  const base = (n >> BigInt(width - bits)) << BigInt(width - bits);
  return { family, base, bits, size, text: `${bigIntToIp(base, family)}/${bits}` };
}

/** One family's service IPs: offset 0 (network) and the last (broadcast) are never used; offset 1 and 10 are reserved. */
function familyAllocator(storage: Storage, prefix: string, c: Cidr): RangeAllocator {
  return new RangeAllocator({
    storage,
    keyPrefix: `${prefix}/ipallocations/`,
    kind: 'ServiceIPAllocation',
    size: c.size,
    toValue: (off) => bigIntToIp(c.base + BigInt(off), c.family),
    toOffset: (v) => {
      if (familyOf(v) !== c.family) return undefined;
      const n = ipToBigInt(v)!;
      if (n < c.base || n >= c.base + BigInt(c.size)) return undefined;
      return Number(n - c.base);
    },
    reserved: new Set([0, 1, 10, c.size - 1]),
  });
}

/**
 * The service IP allocators of --service-cluster-ip-range (one CIDR, or two of different families for dual-stack).
 * The allocator methods act on the primary family for allocateNext and on the IP's own family otherwise.
 */
export class ServiceIPs {
  readonly families: { family: IPFamily; cidr: Cidr; alloc: RangeAllocator }[];
  constructor(storage: Storage, prefix: string, ranges: string) {
    this.families = ranges.split(',').map((r) => {
      const cidr = parseCidr(r);
      return { family: cidr.family, cidr, alloc: familyAllocator(storage, prefix, cidr) };
    });
    if (this.families.length > 2 || (this.families.length === 2 && this.families[0]!.family === this.families[1]!.family)) {
      throw new Error(`invalid service CIDRs ${ranges}: at most two, of different IP families`);
    }
  }
  /** the primary range (the first CIDR) */
  get cidr(): Cidr {
    return this.families[0]!.cidr;
  }
  /** the n-th address of the primary range (1: the kubernetes Service) */
  nth(n: number): string {
    return bigIntToIp(this.cidr.base + BigInt(n), this.cidr.family);
  }
  configured(family: string): boolean {
    return this.families.some((f) => f.family === family);
  }
  private of(ip: string) {
    return this.families.find((f) => f.family === familyOf(ip));
  }
  rangeOf(family: string): Cidr | undefined {
    return this.families.find((f) => f.family === family)?.cidr;
  }
  contains(ip: string): boolean {
    return !!this.of(ip)?.alloc.contains(ip);
  }
  async allocate(ip: string, owner: string, dryRun = false): Promise<boolean> {
    const f = this.of(ip);
    return f ? f.alloc.allocate(ip, owner, dryRun) : false;
  }
  async allocateNext(owner: string, dryRun = false, family?: string): Promise<string> {
    const f = family ? this.families.find((x) => x.family === family) : this.families[0];
    if (!f) throw errors.internal(`failed to allocate a serviceIP: ${family ?? ''} is not configured`);
    return f.alloc.allocateNext(owner, dryRun);
  }
  async release(ip: string): Promise<void> {
    await this.of(ip)?.alloc.release(ip);
  }
}

export function serviceIpAllocator(storage: Storage, prefix: string, ranges: string): ServiceIPs {
  return new ServiceIPs(storage, prefix, ranges);
}

export function parsePortRange(r: string): { min: number; max: number } {
  const m = r.match(/^(\d+)-(\d+)$/);
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1 || max > 65535 || min > max) throw new Error(`invalid service node port range ${r}`);
  return { min, max };
}

export function nodePortAllocator(storage: Storage, prefix: string, range: string): RangeAllocator & { range: { min: number; max: number } } {
  const r = parsePortRange(range);
  const a = new RangeAllocator({
    storage,
    keyPrefix: `${prefix}/portallocations/`,
    kind: 'NodePortAllocation',
    size: r.max - r.min + 1,
    toValue: (off) => String(r.min + off),
    toOffset: (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < r.min || n > r.max) return undefined;
      return n - r.min;
    },
    reserved: new Set(),
  });
  return Object.assign(a, { range: r });
}
