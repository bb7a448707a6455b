// Issue 7: with containerd as the runtime, a pod runs too. Real etcd + apiserver, our kubelet with
// --container-runtime-endpoint=unix://<containerd sock>, containerd 1.6 (temp root/state/sockets, the config from
// notes/runtime-substrate.md §5, a CNI conflist with its own bridge kts<n> and pod CIDR 10.244.<n>.0/24), kubectl.
// busybox and pause come from our deterministic builder, imported into containerd's k8s.io namespace; no image is
// ever pulled (containerd's registry hosts point at 127.0.0.1:1, so a pull could not leave the machine anyway).
// Also covers the CRI differences the kubelet had to handle: status containerID `containerd://…`, explicit masked /
// read-only paths, pod cgroup removal, and kubectl exec over containerd's v4 streaming protocol.
// Skipped when containerd is not installed (CI installs it via deploy/install-deps.sh).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, type ChildProcess } from 'node:child_process';
import type { Pod, Node } from '@kubets/api';
import { PodKind, NodeKind } from '@kubets/api';
import { RestClient, createLogger, loadKubeconfig } from '@kubets/client';
import { startKubelet, parseKubeletFlags, type KubeletHandle } from '@kubets/kubelet';
import { BUSYBOX_IMAGE } from '@kubets/kubelet/images';
import { startTestApiServer, eventually, type TestApiServer } from '../harness/apiserver';
import { allocNet, cleanupPortmapChains, ensureNetGuard, makeClientNetns, type TestRuntime } from '../harness/runtime';
import { readLog } from './harness';
import { startTestContainerd } from '../harness/containerd';

jest.setTimeout(180_000);

const hasContainerd = fs.existsSync('/usr/bin/containerd') && fs.existsSync('/usr/bin/ctr');
if (!hasContainerd) {
  // eslint-disable-next-line no-console
  console.warn('e2e/kubelet/containerd.test.ts skipped: containerd is not installed (/usr/bin/containerd, /usr/bin/ctr); deploy/install-deps.sh installs it');
}
const maybe = hasContainerd ? describe : describe.skip;

function sh(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    /* best effort */
  }
}

maybe('kubelet with containerd as the CRI runtime', () => {
  let dir = '';
  let sock = '';
  let n = 0;
  let net: ReturnType<typeof allocNet> | undefined;
  let containerd: ChildProcess | undefined;
  let api: TestApiServer | undefined;
  let client: RestClient | undefined;
  let kubelet: KubeletHandle | undefined;
  const kubeletAC = new AbortController();
  let nodeName = '';

  beforeAll(async () => {
    ensureNetGuard();
    net = allocNet(206);
    n = net.n;
    nodeName = `kts-e2e-ctrd-${n}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktskctrd-'));
    sock = path.join(dir, 'containerd.sock');
    // CNI: our own bridge and pod CIDR; no ipMasq (nothing here may leave the machine).
    fs.mkdirSync(path.join(dir, 'cni'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'cni', '10-kts.conflist'),
      JSON.stringify({
        cniVersion: '0.4.0',
        name: `kts${n}`,
        plugins: [
          { type: 'bridge', bridge: `kts${n}`, isGateway: true, ipMasq: false, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: `10.244.${n}.0/24` }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: path.join(dir, 'ipam') } },
          { type: 'portmap', capabilities: { portMappings: true } },
        ],
      }),
    );
    // Registry hosts: every registry we name resolves to a closed local port (defence in depth: no pull is expected).
    for (const reg of ['docker.io', 'registry.k8s.io']) {
      fs.mkdirSync(path.join(dir, 'certs.d', reg), { recursive: true });
      fs.writeFileSync(path.join(dir, 'certs.d', reg, 'hosts.toml'), `server = "http://127.0.0.1:1"\n\n[host."http://127.0.0.1:1"]\n  capabilities = ["pull", "resolve"]\n`);
    }
    ({ proc: containerd } = await startTestContainerd(dir, { registryConfigDir: path.join(dir, 'certs.d') }));

    api = await startTestApiServer();
    client = new RestClient(loadKubeconfig(api.kubeconfig).config);
    const opts = parseKubeletFlags([
      `--root-dir=${path.join(dir, 'kubelet')}`, `--hostname-override=${nodeName}`, '--node-ip=127.0.0.1', '--address=127.0.0.1', '--port=0', '--healthz-port=0',
      `--container-runtime-endpoint=unix://${sock}`, `--pod-cidr=10.244.${n}.0/24`, '--cluster-dns=10.96.0.10', `--cgroup-root=/ktstest${n}`,
      '--node-status-update-frequency=2s',
      // the API server's kubelet-client certificate comes from the cluster CA
      `--client-ca-file=${api.pki.pki.caFile}`,
    ]);
    kubelet = await startKubelet(opts, kubeletAC.signal, { client, logger: createLogger('kubelet', Number(process.env.KTS_E2E_V ?? -1)), disableEviction: true });
  });

  afterAll(async () => {
    try {
      if (client) {
        const pods = await client.resource(PodKind).list({ fieldSelector: `spec.nodeName=${nodeName}` }).catch(() => ({ items: [] as Pod[] }));
        for (const p of pods.items) await client.resource(PodKind).namespace(p.metadata.namespace ?? 'default').delete(p.metadata.name ?? '', { gracePeriodSeconds: 1 }).catch(() => undefined);
        await eventually(async () => {
          if ((await client!.resource(PodKind).list({ fieldSelector: `spec.nodeName=${nodeName}` })).items.length) throw new Error('pods remain');
          return true;
        }, 30_000, 250).catch(() => undefined);
      }
      if (kubelet) {
        for (const s of await kubelet.cri.listPodSandbox().catch(() => [])) {
          await kubelet.cri.stopPodSandbox(s.id).catch(() => undefined);
          await kubelet.cri.removePodSandbox(s.id).catch(() => undefined);
        }
      }
    } finally {
      kubeletAC.abort();
      await kubelet?.done.catch(() => undefined);
      client?.close();
      await api?.stop().catch(() => undefined);
      if (containerd && containerd.exitCode === null) {
        containerd.kill('SIGTERM');
        await new Promise((r) => containerd!.once('exit', r));
      }
      if (dir) {
        // shims exit with their containers; unmount anything left under our root
        const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir));
        for (const m of mounts.sort().reverse()) sh('umount', ['-l', m]);
      }
      if (n) {
        sh('ip', ['link', 'del', `kts${n}`]);
        for (const h of fs.readdirSync('/sys/fs/cgroup')) {
          const root = path.join('/sys/fs/cgroup', h, `ktstest${n}`);
          if (!fs.existsSync(root)) continue;
          const dirs = execFileSync('find', [root, '-depth', '-type', 'd'], { encoding: 'utf8' }).split('\n').filter(Boolean);
          for (const d of dirs) {
            try {
              fs.rmdirSync(d);
            } catch {
              /* busy */
            }
          }
        }
      }
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      // Global leftovers outside our temp dir: libcni's cache (/var/lib/cni/results/<network>-<id>-<if>; ours are
      // kts<n>-*) and runc shim state (/run/containerd/{runc/k8s.io,s}, emptied as tasks are deleted). Our own cache
      // entries always go; the then-empty directories go once no containerd runs (another test's may be using them),
      // whoever created them: two overlapping containerd tests would otherwise each leave them to the other.
      const results = '/var/lib/cni/results';
      for (const f of fs.existsSync(results) ? fs.readdirSync(results) : []) if (n && f.startsWith(`kts${n}-`)) fs.rmSync(path.join(results, f), { force: true });
      let others = '';
      try {
        others = execFileSync('pgrep', ['-f', '^(/usr/bin/)?containerd( |-shim)'], { encoding: 'utf8' }).trim();
      } catch {
        /* none */
      }
      if (!others) for (const d of ['/run/containerd', '/var/lib/cni']) if (fs.existsSync(d)) sh('find', [d, '-depth', '-type', 'd', '-empty', '-delete']);
      cleanupPortmapChains();
      net?.release();
    }
  });

  const cs = (p: Pod, name: string) => p.status?.containerStatuses?.find((c) => c.name === name);
  const allRunning = (p: Pod) => p.status?.phase === 'Running' && ['hello', 'web'].every((c) => !!cs(p, c)?.state?.running) && !!p.status?.podIP;
  const cid = (p: Pod, name: string) => (cs(p, name)?.containerID ?? '').replace(/^[a-z]+:\/\//, '');

  test('the node registers Ready with containerd as its runtime', async () => {
    const node = await eventually(async () => {
      const x = (await client!.resource(NodeKind).get(nodeName)) as Node;
      if (x.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') throw new Error(`not ready: ${JSON.stringify(x.status?.conditions)}`);
      return x;
    }, 30_000, 200);
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\/1\./);
    expect(node.status?.addresses).toEqual(expect.arrayContaining([{ type: 'InternalIP', address: '127.0.0.1' }]));
    expect(kubelet!.runtime).toBeUndefined(); // no in-process runtime
  });

  test('a pod runs: Running with a pod IP, output in the CRI log and kubectl logs, exec, httpd reachable, delete stops it', async () => {
    const pods = client!.resource(PodKind).namespace('default');
    await pods.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ctrd-hello', namespace: 'default' },
      spec: {
        nodeName,
        terminationGracePeriodSeconds: 2,
        containers: [
          // short name, normalised by containerd to docker.io/library/busybox:latest (imported, never pulled)
          { name: 'hello', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo hello-from-containerd host=$(hostname); sleep 3600'] },
          { name: 'web', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', `mkdir -p /www${n}; echo hi-ctrd > /www${n}/index.html; exec httpd -f -p 80 -h /www${n}`], ports: [{ containerPort: 80 }] },
        ],
      },
    } as unknown as Pod);
    const p = await eventually(async () => {
      const x = await pods.get('ctrd-hello');
      if (!allRunning(x)) throw new Error(`not running yet: ${JSON.stringify(x.status)}`);
      return x;
    }, 60_000, 250);
    expect(p.status?.podIP).toMatch(new RegExp(`^10\\.244\\.${n}\\.\\d+$`));
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(cs(p, 'hello')?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs(p, 'hello')?.imageID).toMatch(/sha256:[0-9a-f]{64}/);

    // CRI field differences: containerd masks nothing for empty masked/readonly lists (kts runtime fills defaults),
    // so the kubelet sends upstream's defaults; containerd applies them and our cgroup parent.
    const info = JSON.parse(execFileSync('ctr', ['-a', sock, '-n', 'k8s.io', 'containers', 'info', cid(p, 'hello')], { encoding: 'utf8' })) as { Spec: { linux: { maskedPaths?: string[]; readonlyPaths?: string[]; cgroupsPath: string } } };
    expect(info.Spec.linux.maskedPaths).toEqual(expect.arrayContaining(['/proc/kcore', '/proc/keys']));
    expect(info.Spec.linux.readonlyPaths).toEqual(expect.arrayContaining(['/proc/sys', '/proc/sysrq-trigger']));
    expect(info.Spec.linux.cgroupsPath).toBe(`/ktstest${n}/besteffort/pod${p.metadata.uid}/${cid(p, 'hello')}`);
    // /proc/timer_list is readable (non-empty) on the host; masked, it is /dev/null inside the container
    if (fs.existsSync('/proc/timer_list')) {
      const masked = await kubelet!.cri.execSync(cid(p, 'hello'), ['sh', '-c', 'wc -c < /proc/timer_list'], 10);
      expect(masked.stdout.toString().trim()).toBe('0');
    }

    // the sandbox and containers are containerd's
    const sbs = await kubelet!.cri.listPodSandbox({ 'io.kubernetes.pod.uid': p.metadata.uid ?? '' });
    expect(sbs.length).toBe(1);

    // output: the CRI log file containerd writes (log_directory + log_path from the kubelet) ...
    const st = await kubelet!.cri.containerStatus(cid(p, 'hello'));
    expect(path.isAbsolute(st.log_path)).toBe(true);
    const log = await eventually(async () => {
      const l = readLog(st.log_path);
      if (!l.includes('hello-from-containerd')) throw new Error(`log: ${JSON.stringify(l)}`);
      return l;
    });
    expect(log).toContain('hello-from-containerd host=ctrd-hello');
    // ... and kubectl logs through the apiserver → kubelet server, which reads the same file
    const k = await api!.kubectl(['logs', 'ctrd-hello', '-c', 'hello']);
    expect(k.stderr).toBe('');
    expect(k.stdout).toContain('hello-from-containerd host=ctrd-hello');

    // kubectl exec: apiserver → kubelet server → containerd's streaming server (127.0.0.1, random port)
    const ex = await api!.kubectl(['exec', 'ctrd-hello', '-c', 'hello', '--', 'sh', '-c', 'echo exec-$((6*7))']);
    expect({ code: ex.code, stdout: ex.stdout, stderr: ex.stderr }).toEqual({ code: 0, stdout: 'exec-42\n', stderr: '' });
    const ex3 = await api!.kubectl(['exec', 'ctrd-hello', '-c', 'hello', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
    expect(ex3.code).toBe(3);
    expect(ex3.stderr).toContain('oops');

    // httpd answers on the pod IP from a client netns on the same bridge
    const c = makeClientNetns({ n, bridge: `kts${n}`, gateway: `10.244.${n}.1` } as TestRuntime);
    try {
      const out = await eventually(() => c.exec(['busybox', 'wget', '-qO-', `http://${p.status?.podIP}/`]), 15_000, 200);
      expect(out).toBe('hi-ctrd\n');
    } finally {
      c.remove();
    }

    // deleting the pod stops it: containers and sandbox are gone from containerd, the object is removed
    const ids = [cid(p, 'hello'), cid(p, 'web')];
    const r = await api!.kubectl(['delete', 'pod', 'ctrd-hello', '--wait=true', '--timeout=60s']);
    expect(r.code).toBe(0);
    await expect(pods.get('ctrd-hello')).rejects.toMatchObject({ code: 404 });
    expect(await kubelet!.cri.listPodSandbox({ 'io.kubernetes.pod.uid': p.metadata.uid ?? '' })).toEqual([]);
    const left = await kubelet!.cri.listContainers({ labels: { 'io.kubernetes.pod.uid': p.metadata.uid ?? '' } });
    expect(left).toEqual([]);
    // no process of the pod is left (the shims exit with their tasks)
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).not.toContain(`httpd -f -p 80 -h /www${n}`);
    for (const id of [...ids, ...sbs.map((s) => s.id)]) expect(ps).not.toContain(id);
    // the pod cgroup is gone in every hierarchy
    const podCg = `ktstest${n}/besteffort/pod${p.metadata.uid}`;
    expect(fs.readdirSync('/sys/fs/cgroup').filter((h) => fs.existsSync(path.join('/sys/fs/cgroup', h, podCg)))).toEqual([]);
  });
});
