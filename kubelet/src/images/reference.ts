// Image reference parsing and normalisation (docker.io/library defaults, tag "latest").

export interface ImageReference {
  /** Registry host[:port], e.g. docker.io or 127.0.0.1:5000. */
  domain: string;
  /** Repository path, e.g. library/busybox. */
  path: string;
  tag?: string;
  digest?: string;
}

const DEFAULT_DOMAIN = 'docker.io';

export function parseReference(ref: string): ImageReference {
  let rest = ref.trim();
  if (!rest) throw new Error('empty image reference');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`invalid digest in ${ref}`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (!path || !/^[a-z0-9]+(?:[._\-/][a-z0-9]+)*$/.test(path)) throw new Error(`invalid image reference ${ref}`);
  if (!tag && !digest) tag = 'latest';
  return { domain, path, tag, digest };
}

/** Fully qualified repository name: docker.io/library/busybox. */
export function repoName(r: ImageReference): string {
  return `${r.domain}/${r.path}`;
}

/** Normalised "domain/path:tag" (or "domain/path@digest" when no tag). */
export function normalizeReference(ref: string): string {
  const r = parseReference(ref);
  if (r.tag) return `${repoName(r)}:${r.tag}`;
  return `${repoName(r)}@${r.digest}`;
}
