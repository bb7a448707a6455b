// Custom resources through the same decode → prune → default → validate steps the store runs, with KindDefs
// built from a CRD: tables of objects and the exact upstream messages or results.
import type { CustomResourceDefinition, KubeObject, StatusError } from '@kubets/api';
import { applyAllDefaults, asObjectOfKind, handleUnknownFields, validateCreate } from '../registry/prepare';
import type { FieldValidation, RequestContext } from '../registry/context';
import { kindDefsOf } from './kind-def';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: {
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
        image: { type: 'string', minLength: 2, maxLength: 10 },
        replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        mode: { type: 'string', enum: ['a', 'b'] },
        port: { 'x-kubernetes-int-or-string': true },
        id: { type: 'string', format: 'uuid' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2, uniqueItems: true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        opaque: { type: 'object' },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        note: { type: 'string', nullable: true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        nested: { type: 'object', properties: { depth: { type: 'integer', default: 3 }, on: { type: 'boolean' } } },
        either: { type: 'object', properties: { x: { type: 'string' }, y: { type: 'string' } }, oneOf: [{ required: ['x'] }, { required: ['y'] }] },
      },
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' } } },
  },
};

const crd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'] },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, subresources: { status: {} } }],
  },
};
const def = kindDefsOf(crd)[0]!;

function ctx(fieldValidation: FieldValidation = 'Warn'): RequestContext {
  return { namespace: 'default', name: 'x', subresource: '', query: new URLSearchParams(), manager: 'test', fieldValidation, dryRun: false, warnings: [] };
}

/** Runs the create path's steps; returns the object, the warnings, or the error message. */
function admit(spec: unknown, fv: FieldValidation = 'Warn'): { obj?: KubeObject; warnings: string[]; error?: string; code?: number } {
  const c = ctx(fv);
  try {
    const obj = asObjectOfKind(def, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'x', namespace: 'default' }, spec });
    handleUnknownFields(def, obj, c);
    applyAllDefaults(def, obj);
    validateCreate(def, obj);
    return { obj, warnings: c.warnings };
  } catch (e) {
    const se = e as StatusError;
    return { warnings: c.warnings, error: se.status.message, code: se.status.code };
  }
}

const ok = { cronSpec: '* * * * */5' };

describe('custom resource validation', () => {
  it.each([
    ['type', { ...ok, replicas: 'three' }, 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'],
    ['required', { image: 'abc' }, 'spec.cronSpec: Required value'],
    ['pattern', { cronSpec: 'nope' }, `spec.cronSpec: Invalid value: "nope": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'`],
    ['maximum', { ...ok, replicas: 11 }, 'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'],
    ['minimum', { ...ok, replicas: 0 }, 'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1'],
    ['minLength', { ...ok, image: 'a' }, 'spec.image: Invalid value: "a": spec.image in body should be at least 2 chars long'],
    ['maxLength', { ...ok, image: 'abcdefghijk' }, 'spec.image: Too long: may not be more than 10 bytes'],
    ['enum', { ...ok, mode: 'c' }, 'spec.mode: Unsupported value: "c": supported values: "a", "b"'],
    ['int-or-string', { ...ok, port: true }, 'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'],
    ['format', { ...ok, id: 'not-a-uuid' }, 'spec.id: Invalid value: "not-a-uuid": spec.id in body must be of type uuid: "not-a-uuid"'],
    ['minItems', { ...ok, tags: [] }, 'spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items'],
    ['maxItems', { ...ok, tags: ['a', 'b', 'c'] }, 'spec.tags: Too many: 3: must have at most 2 items'],
    ['uniqueItems', { ...ok, tags: ['a', 'a'] }, 'spec.tags[1]: Duplicate value: "a"'],
    ['map values', { ...ok, labels: { a: 1 } }, 'spec.labels[a]: Invalid value: "integer": spec.labels[a] in body must be of type string: "integer"'],
    ['embedded resource', { ...ok, template: { metadata: {} } }, 'spec.template.apiVersion: Required value: must not be empty'],
    ['oneOf', { ...ok, either: { x: 'a', y: 'b' } }, 'spec.either: Invalid value: {"x":"a","y":"b"}: spec.either in body must validate one and only one schema (oneOf)'],
  ])('%s', (_name, spec, message) => {
    const r = admit(spec);
    expect(r.code).toBe(422);
    expect(r.error).toContain(message);
    expect(r.error).toMatch(/^CronTab\.stable\.example\.com "x" is invalid: /);
  });

  it.each([
    ['int-or-string as int', { ...ok, port: 80 }],
    ['int-or-string as string', { ...ok, port: 'http' }],
    ['a valid uuid', { ...ok, id: '123e4567-e89b-12d3-a456-426614174000' }],
    ['nullable null', { ...ok, note: null }],
    ['oneOf satisfied', { ...ok, either: { x: 'a' } }],
    ['embedded resource', { ...ok, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { anything: 1 } } }],
  ])('accepts %s', (_name, spec) => {
    expect(admit(spec).error).toBeUndefined();
  });
});

describe('custom resource defaulting and pruning', () => {
  it('fills defaults, prunes unknown fields (warning) and drops non-nullable nulls', () => {
    const r = admit({ ...ok, nested: { on: null }, extra: 1, opaque: { gone: true }, free: { kept: { deep: 1 } }, note: null, template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'n', bogus: 1 }, other: 2 } });
    expect(r.error).toBeUndefined();
    expect(r.obj?.spec).toEqual({
      cronSpec: ok.cronSpec,
      replicas: 1,
      nested: { depth: 3 },
      opaque: {},
      free: { kept: { deep: 1 } },
      note: null,
      template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'n' }, other: 2 },
    });
    expect(r.warnings.sort()).toEqual(['unknown field "spec.extra"', 'unknown field "spec.opaque.gone"', 'unknown field "spec.template.metadata.bogus"']);
  });

  it('fieldValidation=Strict refuses unknown fields with 400', () => {
    const r = admit({ ...ok, extra: 1 }, 'Strict');
    expect(r.code).toBe(400);
    expect(r.error).toBe('strict decoding error: unknown field "spec.extra"');
  });

  it('fieldValidation=Ignore prunes silently', () => {
    const r = admit({ ...ok, extra: 1 }, 'Ignore');
    expect(r.warnings).toEqual([]);
    expect(r.obj?.spec).toEqual({ ...ok, replicas: 1 });
  });

  it('prunes unknown top-level fields', () => {
    const c = ctx();
    const obj = asObjectOfKind(def, { metadata: { name: 'x' }, spec: ok, top: 1 });
    handleUnknownFields(def, obj, c);
    expect(obj).not.toHaveProperty('top');
    expect(c.warnings).toEqual(['unknown field "top"']);
  });
});

describe('kindDefsOf', () => {
  it('builds one def per served version with table, scale and status', () => {
    const two: CustomResourceDefinition = {
      ...crd,
      spec: {
        ...crd.spec,
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } }, additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }, { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }, { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }] },
          { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: schema } },
        ],
      },
    };
    const defs = kindDefsOf(two);
    expect(defs.map((d) => d.version)).toEqual(['v1']);
    const d = defs[0]!;
    expect(d).toMatchObject({ group: 'stable.example.com', plural: 'crontabs', kind: 'CronTab', namespaced: true, shortNames: ['ct'], status: true });
    expect(d.scale).toEqual({ specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: [] });
    expect(d.schema.$id).toBe('com.example.stable.v1.CronTab');
    expect(d.table?.columns.map((c) => c.name)).toEqual(['Name', 'Spec', 'Replicas', 'Age']);
    const now = new Date('2026-01-01T00:10:00Z');
    const cells = d.table?.cells({ metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { cronSpec: '* * * * */5', replicas: 2 } }, now);
    expect(cells).toEqual(['a', '* * * * */5', 2, '10m']);
  });

  it('defaults to NAME and AGE columns without printer columns', () => {
    expect(def.table?.columns.map((c) => c.name)).toEqual(['Name', 'Age']);
  });
});
