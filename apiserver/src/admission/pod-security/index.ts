export { podSecurity, type PodSecurityOptions } from './plugin';
export {
  loadPodSecurityConfig,
  resolvePodSecurityConfig,
  decodePodSecurityConfiguration,
  defaultExemptNamespaces,
  PodSecurityConfigError,
  type PodSecurityConfiguration,
  type ResolvedPodSecurityConfig,
} from './config';
export { evaluatePod, checkIds } from './evaluate';
export { podView, type PodView } from './pod-view';
export type { Level } from './check';
