export { runProxy, startProxy, type ProxyDeps, type RunningProxy } from './run';
export { parseProxyFlags, proxyUsage, proxyFlagSpecs, type ProxyOptions } from './flags';
export { cleanupAll, ensureJumps } from './iptables/jumps';
export { ExecIptables, type IptablesRunner } from './iptables/runner';
export { FakeIptables } from './iptables/fake-runner';
export { buildRules } from './iptables/rules';
export { ClusterZone } from './dns/zone';
export { startDnsServer } from './dns/server';
