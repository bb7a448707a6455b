// IP address and CIDR validation for fields that node-side programs act on (iptables rules, routes, CNI ranges),
// with Kubernetes' messages (k8s.io/apimachinery/pkg/util/validation/ip.go, core validation's ValidateEndpointIP).
import { BlockList, isIP } from 'node:net';
import type { StatusCause } from '../../errors/status-error';
import { fieldErr } from '../validators';

export const validIPMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
export const validCIDRMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** 4, 6, or 0 when not an IP address. Zones ("fe80::1%eth0") are not IP addresses to Kubernetes. */
export function ipFamily(ip: string): 0 | 4 | 6 {
  if (ip.includes('%')) return 0;
  const f = isIP(ip);
  return f === 4 || f === 6 ? f : 0;
}

/** 4, 6, or 0 when not a CIDR (address/prefix, prefix within the family's length). */
export function cidrFamily(cidr: string): 0 | 4 | 6 {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return 0;
  const f = ipFamily(m[1]!);
  const bits = Number(m[2]);
  if (f === 0 || bits > (f === 4 ? 32 : 128)) return 0;
  return f;
}

export function validateIP(field: string, ip: string): StatusCause[] {
  return ipFamily(ip) ? [] : [fieldErr.invalid(field, ip, validIPMessage)];
}

export function validateCIDR(field: string, cidr: string): StatusCause[] {
  return cidrFamily(cidr) ? [] : [fieldErr.invalid(field, cidr, validCIDRMessage)];
}

function blocks(...subnets: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const b = new BlockList();
  for (const [a, p, t] of subnets) b.addSubnet(a, p, t);
  return b;
}
const loopback = blocks(['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']);
const linkLocal = blocks(['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']);
const linkLocalMulticast = blocks(['224.0.0.0', 24, 'ipv4'], ['ff02::', 16, 'ipv6']);
const unspecified = blocks(['0.0.0.0', 32, 'ipv4'], ['::', 128, 'ipv6']);

/**
 * Addresses that must not be used as endpoints or external IPs: the proxy would send Service traffic to the
 * node itself (unspecified, loopback) or to node-local services such as cloud metadata (link-local).
 * `invalidMessage` is the caller's message for a value that is not an IP at all.
 */
export function validateNonSpecialIP(field: string, ip: string, invalidMessage = 'must be a valid IP address'): StatusCause[] {
  const f = ipFamily(ip);
  if (!f) return [fieldErr.invalid(field, ip, invalidMessage)];
  const type = f === 4 ? 'ipv4' : 'ipv6';
  const out: StatusCause[] = [];
  if (unspecified.check(ip, type)) out.push(fieldErr.invalid(field, ip, `may not be unspecified (${ip})`));
  if (loopback.check(ip, type)) out.push(fieldErr.invalid(field, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal.check(ip, type)) out.push(fieldErr.invalid(field, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast.check(ip, type)) out.push(fieldErr.invalid(field, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return out;
}

/** A list of IPs (pod or host IPs): each valid, at most one per family. */
export function validateDualStackIPs(field: string, ips: readonly string[]): StatusCause[] {
  const out = ips.flatMap((ip, i) => validateIP(`${field}[${i}]`, ip));
  if (out.length) return out;
  if (ips.length > 2 || (ips.length === 2 && ipFamily(ips[0]!) === ipFamily(ips[1]!))) {
    out.push(fieldErr.invalid(field, [...ips], 'may specify no more than one IP for each IP family'));
  }
  return out;
}

/** A list of CIDRs (a node's pod CIDRs): each valid, at most one per family. */
export function validateDualStackCIDRs(field: string, cidrs: readonly string[]): StatusCause[] {
  const out = cidrs.flatMap((c, i) => validateCIDR(`${field}[${i}]`, c));
  if (out.length) return out;
  if (cidrs.length > 2 || (cidrs.length === 2 && cidrFamily(cidrs[0]!) === cidrFamily(cidrs[1]!))) {
    out.push(fieldErr.invalid(field, [...cidrs], 'may specify no more than one CIDR for each IP family'));
  }
  return out;
}
