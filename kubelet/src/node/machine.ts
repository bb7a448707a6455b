// Machine facts for node registration and eviction signals.
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
  cpus: number;
  memoryBytes: number;
  ephemeralBytes: number;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
}

const read = (f: string): string => {
  try {
    return fs.readFileSync(f, 'utf8').trim();
  } catch {
    return '';
  }
};

export function goArch(a = os.arch()): string {
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

export function machineInfo(rootDir: string): MachineInfo {
  const osRelease = read('/etc/os-release');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? 'Linux';
  let ephemeral = 0;
  try {
    const s = fs.statfsSync(rootDir);
    ephemeral = s.blocks * s.bsize;
  } catch {
    ephemeral = 0;
  }
  return {
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    ephemeralBytes: ephemeral,
    kernelVersion: os.release(),
    osImage: pretty,
    architecture: goArch(),
    machineID: read('/etc/machine-id') || read('/var/lib/dbus/machine-id'),
    systemUUID: read('/sys/class/dmi/id/product_uuid') || read('/etc/machine-id'),
    bootID: read('/proc/sys/kernel/random/boot_id'),
  };
}

/** The host's primary IPv4: the address of the interface holding the default route, else the first non-internal. */
export function primaryIPv4(): string {
  let dev = '';
  for (const line of read('/proc/net/route').split('\n').slice(1)) {
    const f = line.split(/\s+/);
    if (f[1] === '00000000' && f[0]) {
      dev = f[0];
      break;
    }
  }
  const ifs = os.networkInterfaces();
  const pick = (list: os.NetworkInterfaceInfo[] | undefined): string | undefined => list?.find((a) => a.family === 'IPv4' && !a.internal)?.address;
  return (dev && pick(ifs[dev])) || Object.values(ifs).map(pick).find(Boolean) || '127.0.0.1';
}

/** memory.available (bytes) as the kubelet computes it: capacity - working set; MemAvailable is the close analogue. */
export function memoryAvailable(): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(read('/proc/meminfo'));
  return m && m[1] ? Number(m[1]) * 1024 : os.freemem();
}

export function nodefsAvailable(rootDir: string): { available: number; capacity: number } {
  try {
    const s = fs.statfsSync(rootDir);
    return { available: s.bavail * s.bsize, capacity: s.blocks * s.bsize };
  } catch {
    return { available: 0, capacity: 0 };
  }
}
