// OCI and Docker media types used by the image store and the puller.
export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
} as const;

/** Accept header for manifest requests: registry 2.8 answers 404 for OCI manifests unless OCI types are listed. */
export const MANIFEST_ACCEPT = [MT.ociIndex, MT.ociManifest, MT.dockerList, MT.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture?: string; os?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  config?: {
    Env?: string[];
    Cmd?: string[];
    Entrypoint?: string[];
    WorkingDir?: string;
    User?: string;
  };
  rootfs?: { type: string; diff_ids: string[] };
}

export function isIndex(mediaType: string | undefined, doc: unknown): boolean {
  if (mediaType === MT.ociIndex || mediaType === MT.dockerList) return true;
  return typeof doc === 'object' && doc !== null && Array.isArray((doc as { manifests?: unknown }).manifests);
}

/** Picks linux/amd64 from an index (or the only entry). */
export function pickPlatform(index: ImageIndex, arch = 'amd64', os = 'linux'): Descriptor | undefined {
  const m = index.manifests.find((d) => d.platform?.architecture === arch && d.platform?.os === os);
  if (m) return m;
  const unspecified = index.manifests.filter((d) => !d.platform);
  return unspecified.length >= 1 ? unspecified[0] : undefined;
}
