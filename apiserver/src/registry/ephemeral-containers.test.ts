import { PodKind, type KindDef, type KubeObject, type Pod } from '@kubets/api';
import { MemoryStorage } from '../testing/memory-storage';
import { ResourceStore } from './store';
import type { RequestContext } from './context';
import { getEphemeralContainers, writeEphemeralContainers } from './ephemeral-containers';

const def = PodKind as unknown as KindDef;
const store = () => new ResourceStore(def, { storage: new MemoryStorage(), prefix: '/registry', hooks: () => undefined, admission: { admit: async () => undefined }, now: () => new Date('2026-03-01T00:00:00Z') });
const ctx = (name = '', subresource = ''): RequestContext => ({ namespace: 'ns', name, subresource, query: new URLSearchParams(), manager: 'kubectl', fieldValidation: 'Strict', dryRun: false, warnings: [] });
const asPod = (o: KubeObject) => o as unknown as Pod;
const SMP = 'application/strategic-merge-patch+json';

async function created(s: ResourceStore): Promise<Pod> {
  return asPod(await s.create(ctx(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'a' } }, spec: { containers: [{ name: 'app', image: 'busybox' }] } }));
}
const dbg = (extra: Record<string, unknown> = {}) => ({ spec: { ephemeralContainers: [{ name: 'dbg', image: 'busybox', targetContainerName: 'app', stdin: true, tty: true, ...extra }] } });

describe('pods/ephemeralcontainers', () => {
  it('adds an ephemeral container with a strategic merge patch (as kubectl debug) and keeps everything else', async () => {
    const s = store();
    await created(s);
    // kubectl sends a patch of the whole Pod: a label change here must be ignored
    const out = asPod(await writeEphemeralContainers(s, ctx('p', 'ephemeralcontainers'), { metadata: { labels: { app: 'b' } }, ...dbg() }, SMP));
    expect(out.spec?.ephemeralContainers).toEqual([expect.objectContaining({ name: 'dbg', image: 'busybox', targetContainerName: 'app', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' })]);
    expect(out.metadata.labels).toEqual({ app: 'a' });
    expect(out.metadata.managedFields?.find((f) => f.subresource === 'ephemeralcontainers')?.manager).toBe('kubectl');
    expect(asPod(await getEphemeralContainers(s, ctx('p', 'ephemeralcontainers'))).spec?.ephemeralContainers?.map((c) => c.name)).toEqual(['dbg']);
  });

  it('PUT takes only spec.ephemeralContainers; existing ones may not be changed or removed', async () => {
    const s = store();
    await created(s);
    const withDbg = asPod(await writeEphemeralContainers(s, ctx('p', 'ephemeralcontainers'), dbg(), SMP));
    const put = structuredClone(withDbg);
    put.spec!.containers[0]!.image = 'other';
    put.spec!.ephemeralContainers!.push({ name: 'dbg2', image: 'busybox' });
    const out = asPod(await writeEphemeralContainers(s, ctx('p', 'ephemeralcontainers'), put));
    expect(out.spec?.containers[0]?.image).toBe('busybox');
    expect(out.spec?.ephemeralContainers?.map((c) => c.name)).toEqual(['dbg', 'dbg2']);

    const removed = { ...structuredClone(out), spec: { ...out.spec, ephemeralContainers: out.spec?.ephemeralContainers?.slice(1) } };
    await expect(writeEphemeralContainers(s, ctx('p', 'ephemeralcontainers'), removed)).rejects.toMatchObject({
      status: { code: 422, details: { causes: [{ field: 'spec.ephemeralContainers', message: 'Forbidden: existing ephemeral containers "dbg" may not be removed' }] } },
    });
    const changed = structuredClone(out);
    changed.spec!.ephemeralContainers![0]!.image = 'other';
    await expect(writeEphemeralContainers(s, ctx('p', 'ephemeralcontainers'), changed)).rejects.toMatchObject({
      status: { code: 422, details: { causes: [{ field: 'spec.ephemeralContainers[dbg]' }] } },
    });
    // a stale resourceVersion is a conflict
    await expect(writeEphemeralContainers(s, ctx('p', 'ephemeralcontainers'), withDbg)).rejects.toMatchObject({ status: { code: 409 } });
  });

  it('validates as upstream: no ports/probes/resources/lifecycle, unique names, an existing target', async () => {
    const s = store();
    await created(s);
    const fields = async (body: unknown) =>
      writeEphemeralContainers(s, ctx('p', 'ephemeralcontainers'), body, SMP).then(
        () => [],
        (e: { status?: { details?: { causes?: { field?: string; message?: string }[] } } }) => (e.status?.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`),
      );
    expect(await fields(dbg({ ports: [{ containerPort: 80 }], readinessProbe: { exec: { command: ['true'] } }, resources: { limits: { cpu: '1' } }, lifecycle: { preStop: { exec: { command: ['true'] } } } }))).toEqual([
      'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container',
    ]);
    expect(await fields(dbg({ name: 'app' }))).toEqual(['spec.ephemeralContainers[0].name: Duplicate value: "app"']);
    expect(await fields(dbg({ targetContainerName: 'nope' }))).toEqual(['spec.ephemeralContainers[0].targetContainerName: Not found: "nope"']);
  });

  it('a plain pod update may not add ephemeral containers', async () => {
    const s = store();
    const p = await created(s);
    p.spec!.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }];
    await expect(s.update(ctx('p'), p)).rejects.toMatchObject({ status: { code: 422, details: { causes: [{ field: 'spec', message: expect.stringMatching(/^Forbidden: pod updates may not change fields other than/) }] } } });
  });
});
