// Test hosts in network namespaces on a bridge the test owns: each host gets a veth on the bridge, an IP in the
// bridge's /24 and a default route via the bridge. Traffic stays on this machine (the net guard catches the rest).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

export function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function applyNetGuard(): void {
  sh(`sh ${repoRoot}/deploy/net-guard.sh apply`);
}

export interface TestHost {
  name: string;
  ip: string;
  exec(cmd: string): string;
  /** Like exec, without blocking this process (needed when the server under test runs in-process). */
  run(cmd: string): Promise<string>;
  /** Runs `cmd` in the namespace until stop(); stdio goes nowhere. */
  spawn(args: string[]): ChildProcess;
}

export interface TestNet {
  bridge: string;
  gateway: string;
  cidr: string;
  hosts: TestHost[];
  addHost(name: string, lastOctet: number): TestHost;
  cleanup(): void;
}

/** A bridge `bridge` with gateway <prefix>.1/24 on the host. prefix like "10.250.7". */
export function createTestNet(bridge: string, prefix: string): TestNet {
  applyNetGuard();
  const children: ChildProcess[] = [];
  const hosts: TestHost[] = [];
  sh(`ip link del ${bridge} 2>/dev/null || true; ip link add ${bridge} type bridge && ip addr add ${prefix}.1/24 dev ${bridge} && ip link set ${bridge} up`);
  const net: TestNet = {
    bridge,
    gateway: `${prefix}.1`,
    cidr: `${prefix}.0/24`,
    hosts,
    addHost(name, lastOctet) {
      const ns = `${bridge}-${name}`;
      const veth = `v${bridge}${lastOctet}`.slice(0, 15);
      const ip = `${prefix}.${lastOctet}`;
      sh(
        [
          `ip netns del ${ns} 2>/dev/null || true`,
          `ip link del ${veth} 2>/dev/null || true`,
          `ip netns add ${ns}`,
          `ip link add ${veth} type veth peer name eth0 netns ${ns}`,
          `ip link set ${veth} master ${bridge} up`,
          `ip link set ${veth} type bridge_slave hairpin on`,
          `ip -n ${ns} addr add ${ip}/24 dev eth0`,
          `ip -n ${ns} link set eth0 up`,
          `ip -n ${ns} link set lo up`,
          `ip -n ${ns} route add default via ${prefix}.1`,
        ].join(' && '),
      );
      const host: TestHost = {
        name: ns,
        ip,
        exec: (cmd) => sh(`ip netns exec ${ns} sh -c ${JSON.stringify(cmd)}`),
        run: (cmd) =>
          new Promise<string>((resolve, reject) =>
            execFile('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], { encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
          ),
        spawn: (args) => {
          const c = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: 'ignore', detached: false });
          children.push(c);
          return c;
        },
      };
      hosts.push(host);
      return host;
    },
    cleanup() {
      for (const c of children) c.kill('SIGKILL');
      for (const h of hosts) sh(`ip netns pids ${h.name} 2>/dev/null | xargs -r kill -9; ip netns del ${h.name} 2>/dev/null || true`);
      sh(`ip link del ${bridge} 2>/dev/null || true`);
    },
  };
  return net;
}

/** Serves `text` over HTTP on port inside a test host (busybox httpd). */
export function serveText(host: TestHost, port: number, text: string): ChildProcess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-www-'));
  fs.writeFileSync(path.join(dir, 'index.html'), text);
  return host.spawn(['busybox', 'httpd', '-f', '-p', String(port), '-h', dir]);
}

/** One HTTP GET from inside a host; '' on failure (busybox wget -T segfaults, so use timeout). */
export function fetchFrom(host: TestHost, url: string, seconds = 3): string {
  try {
    return host.exec(`timeout ${seconds} busybox wget -qO- ${url}`).trim();
  } catch {
    return '';
  }
}
