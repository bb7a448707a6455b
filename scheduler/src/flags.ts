// kube-scheduler's command line: --config (KubeSchedulerConfiguration), --kubeconfig, leader election,
// and the serving address for /healthz, /metrics and /debug/explain.
import * as fs from 'node:fs';
import { parseFlags, str, num, bool, usage, leaderElectionFlagSpecs, type FlagSpec } from '@kubets/client';
import { defaultConfiguration, parseSchedulerConfiguration, type SchedulerConfiguration } from './framework/config';

export const schedulerFlagSpecs: Record<string, FlagSpec> = {
  config: { type: 'string', default: '', help: 'The path to the configuration file (KubeSchedulerConfiguration).' },
  kubeconfig: { type: 'string', default: '', help: 'Path to kubeconfig file with authorization and master location information.' },
  master: { type: 'string', default: '', help: 'The address of the Kubernetes API server (overrides any value in kubeconfig).' },
  ...leaderElectionFlagSpecs('kube-scheduler'),
  'bind-address': { type: 'string', default: '0.0.0.0', help: 'The IP address on which to listen for the --secure-port port.' },
  'secure-port': { type: 'int', default: 10259, help: 'The port on which to serve /healthz, /metrics and /debug/explain (plain HTTP for now). 0 picks a free port; -1 disables serving.' },
  v: { type: 'int', default: 0, help: 'number for the log level verbosity' },
};

export interface SchedulerRunOptions {
  kubeconfig?: string;
  master?: string;
  configPath?: string;
  config: SchedulerConfiguration;
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  resourceName: string;
  resourceNamespace: string;
  bindAddress: string;
  securePort: number;
  verbosity: number;
}

function durationMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration "${s}"`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : m[2] === 'h' ? n * 3_600_000 : n * 1000;
}

/** Parses argv (without the command name). Throws with a usage-style message on bad input. */
export function parseSchedulerFlags(argv: string[]): SchedulerRunOptions {
  const { values } = parseFlags(argv, schedulerFlagSpecs);
  const explicit = new Set(argv.filter((a) => a.startsWith('-')).map((a) => a.replace(/^--?/, '').split('=')[0]!));
  const configPath = str(values.config);
  const config = configPath ? parseSchedulerConfiguration(fs.readFileSync(configPath, 'utf8')) : defaultConfiguration();
  const le = config.leaderElection;
  // Flags given explicitly win over the file; otherwise the file (or its defaults) decides.
  const pick = <T>(flag: string, fromFlag: T, fromFile: T): T => (explicit.has(flag) || !configPath ? fromFlag : fromFile);
  const opts: SchedulerRunOptions = {
    kubeconfig: str(values.kubeconfig) || config.clientConnection.kubeconfig || undefined,
    master: str(values.master) || undefined,
    configPath: configPath || undefined,
    config,
    leaderElect: pick('leader-elect', bool(values['leader-elect'], true), le.leaderElect),
    leaseDurationMs: pick('leader-elect-lease-duration', num(values['leader-elect-lease-duration'], 15_000), durationMs(le.leaseDuration)),
    renewDeadlineMs: pick('leader-elect-renew-deadline', num(values['leader-elect-renew-deadline'], 10_000), durationMs(le.renewDeadline)),
    retryPeriodMs: pick('leader-elect-retry-period', num(values['leader-elect-retry-period'], 2_000), durationMs(le.retryPeriod)),
    resourceName: pick('leader-elect-resource-name', str(values['leader-elect-resource-name'], 'kube-scheduler'), le.resourceName),
    resourceNamespace: pick('leader-elect-resource-namespace', str(values['leader-elect-resource-namespace'], 'kube-system'), le.resourceNamespace),
    bindAddress: str(values['bind-address'], '0.0.0.0'),
    securePort: num(values['secure-port'], 10259),
    verbosity: num(values.v, 0),
  };
  if (str(values['leader-elect-resource-lock'], 'leases') !== 'leases') throw new Error('--leader-elect-resource-lock: only "leases" is supported');
  if (opts.renewDeadlineMs >= opts.leaseDurationMs) throw new Error('leaderElection.renewDeadline: Invalid value: must be less than leaseDuration');
  return opts;
}

export function schedulerUsage(): string {
  return usage('scheduler', 'The Kubernetes scheduler: assigns pending pods to nodes.', schedulerFlagSpecs);
}
