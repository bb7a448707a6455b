// The Service fields whose addresses the proxy programs on every node: externalIPs (accepted as destinations),
// loadBalancerIP, loadBalancerSourceRanges and status.loadBalancer.ingress.
import type { StatusCause } from '../../errors/status-error';
import { fieldErr } from '../validators';
import { ipFamily, validateCIDR, validateIP, validateNonSpecialIP } from './ip';
import type { Service } from './service';

export function validateServiceIPs(svc: Service): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = svc.spec ?? {};
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const f = `spec.externalIPs[${i}]`;
    out.push(...(ipFamily(ip) ? validateNonSpecialIP(f, ip) : validateIP(f, ip)));
  });
  if (spec.loadBalancerIP) out.push(...validateIP('spec.loadBalancerIP', spec.loadBalancerIP));
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length) {
    // upstream's field path really is capitalised here
    const f = 'spec.LoadBalancerSourceRanges';
    if ((spec.type ?? 'ClusterIP') !== 'LoadBalancer') out.push(fieldErr.forbidden(f, "may only be used when `type` is 'LoadBalancer'"));
    // values may be space-padded (a leftover of the annotation they replaced)
    ranges.forEach((r, i) => out.push(...validateCIDR(`${f}[${i}]`, r.trim())));
  }
  (svc.status?.loadBalancer?.ingress ?? []).forEach((ing, i) => {
    const f = `status.loadBalancer.ingress[${i}]`;
    if (ing.ip) out.push(...validateIP(`${f}.ip`, ing.ip));
    if (ing.hostname && ipFamily(ing.hostname)) out.push(fieldErr.invalid(`${f}.hostname`, ing.hostname, 'must be a DNS name, not an IP address'));
  });
  return out;
}
