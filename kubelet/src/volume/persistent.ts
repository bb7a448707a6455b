// persistentVolumeClaim volumes: claim → bound PersistentVolume → a directory on this node that the runtime bind
// mounts into the containers. Only hostPath and local PVs are supported; the kts.io/local-path provisioner's PVs
// live under <root-dir>/local-path/<pv-name>, created here on first mount (the controller-manager cannot touch
// node disks). The Node authorizer lets this node read exactly the claims and volumes of its own pods.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim, Pod, Volume } from '@kubets/api';
import { VolumeError } from './volumes'; // circular on purpose: used only at call time

export const LocalPathProvisioner = 'kts.io/local-path';
export const ProvisionedByAnnotation = 'pv.kubernetes.io/provisioned-by';
/** On the Node: where this kubelet keeps local-path volumes (the provisioner builds PV paths from it). */
export const LocalPathRootAnnotation = 'kts.io/local-path-root';

export function localPathRoot(rootDir: string): string {
  return path.join(path.resolve(rootDir), 'local-path');
}

export interface ClaimSources {
  persistentVolumeClaim(ns: string, name: string): Promise<PersistentVolumeClaim>;
  persistentVolume(name: string): Promise<PersistentVolume>;
}

function fail(vol: string, msg: string): never {
  throw new VolumeError('FailedMount', `MountVolume.SetUp failed for volume "${vol}" : ${msg}`);
}

/** Absolute, normalized and free of "..": what a PV may name on the host. */
function checkedPath(vol: string, p: string | undefined): string {
  if (!p || !path.isAbsolute(p)) fail(vol, `path ${JSON.stringify(p ?? '')} must be absolute`);
  if (p.split('/').includes('..')) fail(vol, `path ${JSON.stringify(p)} must not contain '..'`);
  return path.normalize(p);
}

/** The host directory of a persistentVolumeClaim volume, creating a local-path volume's directory. */
export async function persistentVolumePath(rootDir: string, pod: Pod, v: Volume, src: ClaimSources | undefined): Promise<string> {
  const claimName = v.persistentVolumeClaim?.claimName ?? '';
  const ns = pod.metadata.namespace ?? 'default';
  if (!src) fail(v.name, 'persistentVolumeClaim volumes are not available on this kubelet');
  let claim: PersistentVolumeClaim;
  try {
    claim = await src.persistentVolumeClaim(ns, claimName);
  } catch (e) {
    fail(v.name, `persistentvolumeclaim "${claimName}" not found: ${(e as Error).message}`);
  }
  if (claim.metadata.deletionTimestamp) fail(v.name, `persistentvolumeclaim "${claimName}" is being deleted`);
  const pvName = claim.spec?.volumeName;
  if (!pvName || claim.status?.phase !== 'Bound') fail(v.name, `persistentvolumeclaim "${claimName}" is not bound`);
  let pv: PersistentVolume;
  try {
    pv = await src.persistentVolume(pvName);
  } catch (e) {
    fail(v.name, `persistentvolume "${pvName}" not found: ${(e as Error).message}`);
  }
  const ref = pv.spec?.claimRef;
  if (ref?.namespace !== ns || ref.name !== claimName || (ref.uid && ref.uid !== claim.metadata.uid)) fail(v.name, `persistentvolume "${pvName}" is not bound to claim "${claimName}"`);

  if (pv.spec?.hostPath) {
    const p = checkedPath(v.name, pv.spec.hostPath.path);
    const type = pv.spec.hostPath.type ?? '';
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (type === 'DirectoryOrCreate' && !st) fs.mkdirSync(p, { recursive: true, mode: 0o755 });
    else if ((type === 'Directory' || type === 'DirectoryOrCreate') && !st?.isDirectory()) fail(v.name, `hostPath type check failed: ${p} is not a directory`);
    return p;
  }
  if (pv.spec?.local) {
    const p = checkedPath(v.name, pv.spec.local.path);
    if (pv.metadata.annotations?.[ProvisionedByAnnotation] === LocalPathProvisioner) {
      const root = localPathRoot(rootDir);
      // exactly one level below this node's local-path root: a PV cannot point the kubelet elsewhere
      if (path.dirname(p) !== root) fail(v.name, `local-path volume ${p} is not under this node's local-path root ${root}`);
      fs.mkdirSync(root, { recursive: true, mode: 0o755 });
      if (!fs.existsSync(p)) fs.mkdirSync(p, { mode: 0o777 });
      fs.chmodSync(p, 0o777); // any container user may write, as rancher's local-path-provisioner
      const real = fs.realpathSync(p);
      if (real !== p) fail(v.name, `local-path volume ${p} resolves elsewhere (${real})`);
      return p;
    }
    if (!fs.statSync(p, { throwIfNoEntry: false })?.isDirectory()) fail(v.name, `local volume path ${p} does not exist or is not a directory`);
    return p;
  }
  const kind = Object.keys(pv.spec ?? {}).find((k) => ['nfs', 'csi', 'iscsi', 'fc', 'gcePersistentDisk', 'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'rbd'].includes(k)) ?? 'unknown';
  fail(v.name, `persistentvolume "${pvName}" has a volume type (${kind}) this kubelet cannot mount; only hostPath and local are supported`);
}
