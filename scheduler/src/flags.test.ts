import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSchedulerFlags } from './flags';

describe('parseSchedulerFlags', () => {
  test('defaults as kube-scheduler', () => {
    const o = parseSchedulerFlags([]);
    expect(o).toMatchObject({ leaderElect: true, leaseDurationMs: 15000, renewDeadlineMs: 10000, retryPeriodMs: 2000, resourceName: 'kube-scheduler', resourceNamespace: 'kube-system', bindAddress: '0.0.0.0', securePort: 10259 });
    expect(o.config.profiles[0]!.schedulerName).toBe('default-scheduler');
  });

  test('flags', () => {
    const o = parseSchedulerFlags(['--kubeconfig=/tmp/kc', '--leader-elect=false', '--leader-elect-lease-duration', '30s', '--secure-port=0', '--bind-address=127.0.0.1', '--v=4']);
    expect(o).toMatchObject({ kubeconfig: '/tmp/kc', leaderElect: false, leaseDurationMs: 30000, securePort: 0, bindAddress: '127.0.0.1', verbosity: 4 });
  });

  test('--config file, explicit flags override it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-flags-'));
    try {
      const file = path.join(dir, 'config.yaml');
      fs.writeFileSync(
        file,
        'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nclientConnection:\n  kubeconfig: /etc/kc\nleaderElection:\n  leaderElect: false\n  resourceName: my-lock\nprofiles:\n- schedulerName: mine\n',
      );
      const o = parseSchedulerFlags([`--config=${file}`]);
      expect(o).toMatchObject({ kubeconfig: '/etc/kc', leaderElect: false, resourceName: 'my-lock' });
      expect(o.config.profiles.map((p) => p.schedulerName)).toEqual(['mine']);
      expect(parseSchedulerFlags([`--config=${file}`, '--leader-elect']).leaderElect).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([[['--nope']], [['--leader-elect-renew-deadline=20s']], [['--leader-elect-resource-lock=endpoints']]])('rejects %j', (argv) => {
    expect(() => parseSchedulerFlags(argv)).toThrow();
  });
});
