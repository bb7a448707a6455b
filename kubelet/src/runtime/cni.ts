// CNI plugin invocation per the spec (config on stdin; CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_PATH).
// Chain: bridge (+host-local IPAM) and portmap on eth0, loopback on lo. CHECK is never used.
import * as path from 'node:path';
import { spawn } from 'node:child_process';

export interface CniOptions {
  binDir: string;
  /** network name */
  name: string;
  bridge: string;
  subnet: string;
  /** host-local dataDir */
  ipamDataDir: string;
  mtu?: number;
}

export interface CniPortMapping { hostPort: number; containerPort: number; protocol: 'tcp' | 'udp' | 'sctp'; hostIP?: string }

export type PluginConf = Record<string, unknown> & { type: string };

export const CNI_VERSION = '0.4.0';

/** The network config list we build from the options (also the unit-tested shape). */
export function networkPlugins(o: CniOptions): PluginConf[] {
  return [
    {
      type: 'bridge',
      bridge: o.bridge,
      isGateway: true,
      ipMasq: true,
      hairpinMode: true,
      ...(o.mtu ? { mtu: o.mtu } : {}),
      ipam: { type: 'host-local', ranges: [[{ subnet: o.subnet }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: o.ipamDataDir },
    },
    { type: 'portmap', capabilities: { portMappings: true }, snat: true },
  ];
}

export function pluginStdin(o: CniOptions, plugin: PluginConf, prevResult: unknown, runtimeConfig: Record<string, unknown> | undefined): string {
  const conf: Record<string, unknown> = { cniVersion: CNI_VERSION, name: o.name, ...plugin };
  if (prevResult !== undefined) conf['prevResult'] = prevResult;
  const caps = plugin['capabilities'] as Record<string, boolean> | undefined;
  if (caps && runtimeConfig) {
    const rc: Record<string, unknown> = {};
    for (const k of Object.keys(caps)) if (caps[k] && runtimeConfig[k] !== undefined) rc[k] = runtimeConfig[k];
    conf['runtimeConfig'] = rc;
    delete conf['capabilities'];
  }
  return JSON.stringify(conf);
}

function invoke(o: CniOptions, type: string, command: 'ADD' | 'DEL', id: string, netns: string, ifname: string, stdin: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const env = {
      CNI_COMMAND: command,
      CNI_CONTAINERID: id,
      CNI_NETNS: netns,
      CNI_IFNAME: ifname,
      CNI_PATH: o.binDir,
      PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    };
    const child = spawn(path.join(o.binDir, type), [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString();
      if (code !== 0) {
        let msg = text || Buffer.concat(err).toString();
        try {
          const j = JSON.parse(text) as { msg?: string; details?: string };
          msg = `${j.msg ?? ''} ${j.details ?? ''}`.trim();
        } catch {
          /* plain text */
        }
        reject(new Error(`CNI ${type} ${command} failed: ${msg}`));
        return;
      }
      try {
        resolve(text.trim() ? JSON.parse(text) : undefined);
      } catch {
        reject(new Error(`CNI ${type} ${command}: bad output ${text}`));
      }
    });
    child.stdin.end(stdin);
  });
}

export interface CniAddResult { ip: string; result: unknown }

export class Cni {
  constructor(readonly o: CniOptions) {}

  async add(id: string, netns: string, portMappings: CniPortMapping[]): Promise<CniAddResult> {
    const lo = invoke(this.o, 'loopback', 'ADD', id, netns, 'lo', JSON.stringify({ cniVersion: CNI_VERSION, name: 'lo', type: 'loopback' }));
    lo.catch(() => undefined);
    let prev: unknown;
    const rc = { portMappings };
    try {
      for (const p of networkPlugins(this.o)) {
        if (p.type === 'portmap' && portMappings.length === 0) continue;
        prev = await invoke(this.o, p.type, 'ADD', id, netns, 'eth0', pluginStdin(this.o, p, prev, rc));
      }
      await lo;
    } catch (e) {
      await this.del(id, netns, portMappings, prev).catch(() => undefined);
      throw e;
    }
    const ips = (prev as { ips?: { address?: string }[] } | undefined)?.ips ?? [];
    const ip = ips[0]?.address?.split('/')[0];
    if (!ip) throw new Error('CNI result carried no IP');
    return { ip, result: prev };
  }

  /** DEL in reverse order; tolerant of missing netns (plugins must succeed for already-deleted state). */
  async del(id: string, netns: string, portMappings: CniPortMapping[], prevResult: unknown): Promise<void> {
    const rc = { portMappings };
    const errors: string[] = [];
    for (const p of networkPlugins(this.o).reverse()) {
      if (p.type === 'portmap' && portMappings.length === 0) continue;
      try {
        await invoke(this.o, p.type, 'DEL', id, netns, 'eth0', pluginStdin(this.o, p, prevResult, rc));
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    if (errors.length) throw new Error(errors.join('; '));
  }
}
