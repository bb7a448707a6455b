import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { buildOpenAPIV3, groupVersionPath } from './build';
import { Struct, Opt, MergeList, Quantity, StringMap } from '../schema/builders';
import { defineKind, type KindDef } from '../schema/kind';
import { objectSchema } from '../kinds/common';
import { allKinds } from '../kinds';
import { LabelSelectorSchema } from '../meta/schemas';
import type { KubeObject } from '../meta/types';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ContainerSchema = Struct(
  'A single application container that you want to run within a pod.',
  {
    name: Type.String({ description: 'Name of the container.' }),
    image: Opt(Type.String()),
    resources: Opt(Struct('ResourceRequirements', { limits: Opt(Type.Record(Type.String(), Quantity)) })),
  },
  { $id: 'io.k8s.api.core.v1.Container' },
);
const PodSpecSchema = Struct(
  'PodSpec is a description of a pod.',
  { containers: MergeList(ContainerSchema, 'name', 'List of containers belonging to the pod.'), nodeSelector: Opt(StringMap()) },
  { $id: 'io.k8s.api.core.v1.PodSpec' },
);
const PodSchema = objectSchema('io.k8s.api.core.v1.Pod', 'Pod is a collection of containers that can run on a host.', {
  spec: Opt(PodSpecSchema, 'Specification of the desired behavior of the pod.'),
  status: Opt(Struct('PodStatus', { phase: Opt(Type.String()) })),
});
const PodKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  schema: PodSchema,
  status: true,
}) as unknown as KindDef;
const DeploymentSchema = objectSchema('io.k8s.api.apps.v1.Deployment', 'Deployment enables declarative updates for Pods and ReplicaSets.', {
  spec: Opt(
    Struct('DeploymentSpec', {
      replicas: Opt(Type.Integer({ default: 1 })),
      selector: LabelSelectorSchema,
      template: Struct('PodTemplateSpec', { spec: Opt(PodSpecSchema) }, { $id: 'io.k8s.api.core.v1.PodTemplateSpec' }),
    }),
  ),
});
const DeploymentKind = defineKind<KubeObject>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  schema: DeploymentSchema,
  status: true,
  scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['status', 'selector'] },
}) as KindDef;
const NodeKind = { ...PodKind, kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, status: true, schema: objectSchema('io.k8s.api.core.v1.Node', 'Node', {}) } as KindDef;

const kinds = [PodKind, NodeKind, DeploymentKind];

describe('buildOpenAPIV3', () => {
  const out = buildOpenAPIV3(kinds);
  const core = out.docs.get('api/v1') as Json;
  const apps = out.docs.get('apis/apps/v1') as Json;

  test('index lists each group-version with a sha512 hash of its document', () => {
    expect(Object.keys(out.index.paths).sort()).toEqual(['api/v1', 'apis/apps/v1']);
    for (const [gv, doc] of out.docs) {
      const body = out.json.get(gv) ?? '';
      expect(JSON.parse(body)).toEqual(doc);
      const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
      expect(hash).toMatch(/^[0-9A-F]{128}$/);
      expect(out.index.paths[gv]).toEqual({ serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` });
    }
    expect(groupVersionPath('', 'v1')).toBe('api/v1');
    expect(groupVersionPath('apps', 'v1')).toBe('apis/apps/v1');
  });

  test('document header', () => {
    expect(core.openapi).toBe('3.0.0');
    expect(core.info).toEqual({ title: 'Kubernetes', version: 'v1.32.0' });
  });

  test('Pod component with GVK, descriptions, and $ref/allOf to nested definitions', () => {
    const pod = core.components.schemas['io.k8s.api.core.v1.Pod'];
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(pod.description).toBe('Pod is a collection of containers that can run on a host.');
    expect(pod.type).toBe('object');
    expect(pod.$id).toBeUndefined();
    expect(pod.additionalProperties).toBeUndefined();
    expect(pod.properties.metadata).toEqual(expect.objectContaining({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] }));
    expect(pod.properties.spec).toEqual({
      description: 'Specification of the desired behavior of the pod.',
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }],
    });
    const spec = core.components.schemas['io.k8s.api.core.v1.PodSpec'];
    expect(spec.properties.containers.items).toEqual(expect.objectContaining({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }] }));
    expect(spec.properties.containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(spec.properties.containers['x-kubernetes-list-map-keys']).toEqual(['name']);
    expect(spec.properties.nodeSelector).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    const container = core.components.schemas['io.k8s.api.core.v1.Container'];
    expect(container.required).toEqual(['name']);
    expect(container.properties.resources.properties.limits.additionalProperties).toEqual(
      expect.objectContaining({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' }] }),
    );
    expect(core.components.schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual(
      expect.objectContaining({ 'x-kubernetes-int-or-string': true, format: 'quantity', anyOf: [{ type: 'integer' }, { type: 'string' }] }),
    );
    // metav1 helpers without a $id still become shared definitions (kubectl explain shows <OwnerReference>)
    const meta = core.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'];
    expect(meta.properties.ownerReferences.items.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference' }]);
    expect(meta.properties.creationTimestamp.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }]);
    expect(core.components.schemas['io.k8s.api.core.v1.PodList']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'PodList', version: 'v1' }]);
  });

  test('shared definitions: ObjectMeta, ListMeta, Status, DeleteOptions, Patch', () => {
    for (const d of ['ObjectMeta', 'ListMeta', 'Status', 'DeleteOptions', 'Patch', 'WatchEvent']) {
      expect(core.components.schemas[`io.k8s.apimachinery.pkg.apis.meta.v1.${d}`]).toBeDefined();
    }
    expect(core.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.labels).toEqual(
      expect.objectContaining({ type: 'object', additionalProperties: { type: 'string' } }),
    );
  });

  test('every $ref resolves inside its document', () => {
    for (const doc of out.docs.values()) {
      const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
      for (const r of refs) expect((doc as Json).components.schemas[r.slice(22, -1)]).toBeDefined();
    }
  });

  test('paths and operations', () => {
    const coll = core.paths['/api/v1/namespaces/{namespace}/pods'];
    const item = core.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    expect(Object.keys(coll).sort()).toEqual(['delete', 'get', 'parameters', 'post']);
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
    expect(core.paths['/api/v1/pods'].get.operationId).toBe('listCoreV1PodForAllNamespaces');
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch).toBeDefined();
    expect(core.paths['/api/v1/nodes/{name}'].get.operationId).toBe('readCoreV1Node');
    expect(core.paths['/api/v1/namespaces/{namespace}/nodes']).toBeUndefined();
    expect(item.get.operationId).toBe('readCoreV1NamespacedPod');
    expect(item.patch.operationId).toBe('patchCoreV1NamespacedPod');
    expect(coll.delete.operationId).toBe('deleteCoreV1CollectionNamespacedPod');
    for (const o of [coll.get, coll.post, coll.delete, item.get, item.put, item.patch, item.delete]) {
      expect(o['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'Pod', version: 'v1' });
    }
    expect(item.get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' });
    expect(coll.get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/io.k8s.api.core.v1.PodList' });
  });

  test('PATCH has fieldValidation (kubectl server-side validation check), dryRun, fieldManager, force and the patch media types', () => {
    const patch = core.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    const names = patch.parameters.map((p: Json) => p.name);
    expect(names).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'force']));
    expect(patch.parameters.every((p: Json) => p.in === 'query')).toBe(true);
    expect(Object.keys(patch.requestBody.content).sort()).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
    const put = core.paths['/api/v1/namespaces/{namespace}/pods/{name}'].put;
    const post = core.paths['/api/v1/namespaces/{namespace}/pods'].post;
    for (const o of [put, post]) expect(o.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager']));
    expect(post.requestBody.content['*/*'].schema).toEqual({ $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' });
  });

  test('apps/v1 doc: Deployment, nested PodTemplateSpec/PodSpec, scale subresource', () => {
    const d = apps.components.schemas['io.k8s.api.apps.v1.Deployment'];
    expect(d['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(d.properties.spec.properties.template).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec' }], description: 'PodTemplateSpec' });
    expect(d.properties.spec.properties.replicas.default).toBe(1);
    expect(apps.components.schemas['io.k8s.api.core.v1.PodSpec']).toBeDefined();
    expect(apps.components.schemas['io.k8s.api.core.v1.Pod']).toBeUndefined();
    const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    expect(scale.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', kind: 'Scale', version: 'v1' });
    expect(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch.operationId).toBe('patchAppsV1NamespacedDeployment');
  });

  test('deterministic and independent of kind order', () => {
    const again = buildOpenAPIV3([DeploymentKind, NodeKind, PodKind]);
    expect(again.index).toEqual(out.index);
  });

  test('OpenAPI 3.0 spellings: boolean exclusiveMinimum, literal unions as enums, no $id', () => {
    const S = objectSchema('io.example.v1.Thing', 'Thing', {
      n: Opt(Type.Integer({ exclusiveMinimum: 0 })),
      mode: Opt(Type.Union([Type.Literal('A'), Type.Literal('B')])),
    });
    const K = { ...NodeKind, group: 'example.io', kind: 'Thing', plural: 'things', singular: 'thing', schema: S } as KindDef;
    const doc = buildOpenAPIV3([K]).docs.get('apis/example.io/v1') as Json;
    const t = doc.components.schemas['io.example.v1.Thing'];
    expect(t.properties.n).toEqual({ type: 'integer', minimum: 0, exclusiveMinimum: true });
    expect(t.properties.mode).toEqual({ type: 'string', enum: ['A', 'B'] });
    expect(JSON.stringify(doc)).not.toContain('"$id"');
    expect(t['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.io', kind: 'Thing', version: 'v1' }]);
    expect(doc.paths['/apis/example.io/v1/things/{name}'].patch.operationId).toBe('patchExampleIoV1Thing');
  });

  test('the real kinds build', () => {
    const real = buildOpenAPIV3(allKinds);
    const doc = real.docs.get('api/v1') as Json;
    expect(doc.components.schemas['io.k8s.api.core.v1.Namespace']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Namespace', version: 'v1' }]);
    const names = doc.paths['/api/v1/namespaces/{name}'].patch.parameters.map((p: Json) => p.name);
    expect(names).toContain('fieldValidation');
    expect(doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'ConfigMap', version: 'v1' });
  });
});
