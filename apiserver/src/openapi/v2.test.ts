import { allKinds } from '@kubets/api';
import { buildOpenAPIV2, schemaToV2, type Json } from './v2';
import { DocumentType, encodeOpenAPIV2Proto } from './v2-proto';
import { negotiateOpenAPIV2 } from './v2-handler';

const doc = buildOpenAPIV2(allKinds);
const defs = doc.definitions as Record<string, Json>;
const paths = doc.paths as Record<string, Record<string, Json>>;

describe('schemaToV2', () => {
  it.each<[string, unknown, unknown]>([
    ['ref moves to definitions', { $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' }, { $ref: '#/definitions/io.k8s.api.core.v1.Pod' }],
    ['single-ref allOf becomes $ref with its description', { allOf: [{ $ref: '#/components/schemas/X' }], default: {}, description: 'd' }, { $ref: '#/definitions/X', description: 'd' }],
    ['int-or-string', { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }, { 'x-kubernetes-int-or-string': true, type: 'string', format: 'int-or-string' }],
    ['nullable dropped, nested converted', { type: 'array', nullable: true, items: { allOf: [{ $ref: '#/components/schemas/Y' }] } }, { type: 'array', items: { $ref: '#/definitions/Y' } }],
    ['maps keep additionalProperties', { type: 'object', additionalProperties: { type: 'string', default: '' } }, { type: 'object', additionalProperties: { type: 'string', default: '' } }],
  ])('%s', (_name, input, want) => {
    expect(schemaToV2(input)).toEqual(want);
  });
});

describe('buildOpenAPIV2', () => {
  it('is a Swagger 2.0 document with Kubernetes definition names and gvk extensions', () => {
    expect(doc.swagger).toBe('2.0');
    expect(defs['io.k8s.api.core.v1.Pod']?.['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(defs['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    // DeleteOptions is shared: every group-version's gvk is listed once
    const del = defs['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']?.['x-kubernetes-group-version-kind'] as Json[];
    expect(del).toEqual(expect.arrayContaining([{ group: '', kind: 'DeleteOptions', version: 'v1' }, { group: 'apps', kind: 'DeleteOptions', version: 'v1' }]));
    expect(JSON.stringify(doc)).not.toContain('#/components/schemas/');
  });

  it.each([
    ['/api/v1/namespaces/{namespace}/pods/{name}', 'patch', 'patch', 'Pod'],
    ['/api/v1/namespaces/{namespace}/pods', 'post', 'post', 'Pod'],
    ['/apis/apps/v1/namespaces/{namespace}/deployments', 'get', 'list', 'Deployment'],
    ['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', 'put', 'put', 'Scale'],
  ])('%s %s is x-kubernetes-action %s of %s', (path, method, action, kind) => {
    const op = paths[path]?.[method];
    expect(op?.['x-kubernetes-action']).toBe(action);
    expect((op?.['x-kubernetes-group-version-kind'] as Json).kind).toBe(kind);
    expect(op?.schemes).toEqual(['https']);
  });

  it('writes v2 parameters: a body parameter, query parameters with their type', () => {
    const patch = paths['/api/v1/namespaces/{namespace}/pods/{name}']?.patch;
    const params = patch?.parameters as Json[];
    expect(params[0]).toEqual({ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
    expect(params.find((p) => p.name === 'fieldValidation')).toMatchObject({ in: 'query', type: 'string' });
    expect(patch?.consumes).toEqual(expect.arrayContaining(['application/strategic-merge-patch+json', 'application/merge-patch+json']));
    expect((patch?.responses as Json)['200']).toEqual({ description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.core.v1.Pod' } });
  });
});

describe('encodeOpenAPIV2Proto', () => {
  const decoded = DocumentType.toObject(DocumentType.decode(encodeOpenAPIV2Proto(doc)), { longs: Number }) as Record<string, any>;
  it('carries definitions with properties, refs and vendor extensions as YAML', () => {
    expect(decoded.swagger).toBe('2.0');
    const pod = (decoded.definitions.additional_properties as { name: string; value: Record<string, any> }[]).find((d) => d.name === 'io.k8s.api.core.v1.Pod');
    expect(pod?.value.type.value).toEqual(['object']);
    const spec = (pod?.value.properties.additional_properties as { name: string; value: Record<string, any> }[]).find((p) => p.name === 'spec');
    expect(spec?.value._ref).toBe('#/definitions/io.k8s.api.core.v1.PodSpec');
    const gvk = (pod?.value.vendor_extension as { name: string; value: { yaml: string } }[]).find((e) => e.name === 'x-kubernetes-group-version-kind');
    expect(JSON.parse(gvk?.value.yaml ?? '')).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
  });
  it('carries paths with operations, query parameters and gvk extensions (kubectl\'s fieldValidation check)', () => {
    const item = (decoded.paths.path as { name: string; value: Record<string, any> }[]).find((p) => p.name === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}');
    const params = item?.value.patch.parameters as Record<string, any>[];
    const names = params.map((p) => p.parameter.body_parameter?.name ?? p.parameter.non_body_parameter?.query_parameter_sub_schema?.name);
    expect(names).toEqual(expect.arrayContaining(['body', 'fieldValidation', 'fieldManager', 'dryRun', 'force']));
    const ext = (item?.value.patch.vendor_extension as { name: string; value: { yaml: string } }[]).find((e) => e.name === 'x-kubernetes-group-version-kind');
    expect(JSON.parse(ext?.value.yaml ?? '')).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect(item?.value.parameters.map((p: Record<string, any>) => p.parameter.non_body_parameter.path_parameter_sub_schema?.name).filter(Boolean)).toEqual(['name', 'namespace']);
  });
});

describe('negotiateOpenAPIV2', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, 'json'],
    ['application/json', 'json'],
    ['*/*', 'json'],
    ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'proto'],
    ['application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json', 'proto'],
    ['application/yaml', undefined],
  ])('%s → %s', (accept, want) => {
    expect(negotiateOpenAPIV2(accept)).toBe(want);
  });
});
