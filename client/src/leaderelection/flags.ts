// The leader election flags kube-controller-manager and kube-scheduler share (component-base's
// BindFlags for LeaderElectionConfiguration), with upstream names, defaults and help.
import type { FlagSpec } from '../flags';

/** --leader-elect* flag specs; resourceName is the component's default lock name (e.g. "kube-scheduler"). */
export function leaderElectionFlagSpecs(resourceName: string): Record<string, FlagSpec> {
  return {
    'leader-elect': { type: 'bool', default: true, help: 'Start a leader election client and gain leadership before executing the main loop.' },
    'leader-elect-lease-duration': { type: 'duration', default: '15s', help: 'The duration that non-leader candidates will wait after observing a leadership renewal until attempting to acquire leadership.' },
    'leader-elect-renew-deadline': { type: 'duration', default: '10s', help: 'The interval between attempts by the acting master to renew a leadership slot before it stops leading.' },
    'leader-elect-retry-period': { type: 'duration', default: '2s', help: 'The duration the clients should wait between attempting acquisition and renewal of a leadership.' },
    'leader-elect-resource-lock': { type: 'string', default: 'leases', help: 'The type of resource object that is used for locking during leader election (only "leases").' },
    'leader-elect-resource-name': { type: 'string', default: resourceName, help: 'The name of resource object that is used for locking during leader election.' },
    'leader-elect-resource-namespace': { type: 'string', default: 'kube-system', help: 'The namespace of resource object that is used for locking during leader election.' },
  };
}
