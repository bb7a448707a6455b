// Allocation of unique values (service IPs, node ports) from a range, persisted in storage as one key per
// allocated value (create-if-absent is the compare-and-swap), so allocations survive restarts and concurrent
// writers never hand out the same value twice.
import { errors, type KubeObject } from '@kubets/api';
import type { Storage } from '../storage/interface';

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

export function ipToInt(ip: string): number | undefined {
  const m = ip.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (!m) return undefined;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  bits: number;
  size: number;
  text: string;
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bitsText] = cidr.split('/');
  const ipn = ipToInt(ip ?? '');
  const bits = Number(bitsText);
  if (ipn === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`invalid service CIDR ${cidr} (IPv4, /8 to /30)`);
  const size = 2 ** (32 - bits);
  const base = Math.floor(ipn / size) * size;
  return { base, bits, size, text: `${intToIp(base)}/${bits}` };
}

/** The service IP allocator: offset 0 (network) and the last (broadcast) are never used; offset 1 and 10 are reserved. */
export function serviceIpAllocator(storage: Storage, prefix: string, cidr: string): RangeAllocator & { cidr: Cidr; nth(n: number): string } {
  const c = parseCidr(cidr);
  const a = new RangeAllocator({
    storage,
    keyPrefix: `${prefix}/ipallocations/`,
    kind: 'ServiceIPAllocation',
    size: c.size,
    toValue: (off) => intToIp(c.base + off),
    toOffset: (v) => {
      const n = ipToInt(v);
      if (n === undefined || n < c.base || n >= c.base + c.size) return undefined;
      return n - c.base;
    },
    reserved: new Set([0, 1, 10, c.size - 1]),
  });
  return Object.assign(a, { cidr: c, nth: (n: number) => intToIp(c.base + n) });
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
