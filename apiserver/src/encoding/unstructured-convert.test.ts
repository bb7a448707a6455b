import { allKinds, applyStrategicMergePatch } from '@kubets/api';
import { checkPatchedObject, goFormat } from './unstructured-convert';

const cm = allKinds.find((k) => k.group === '' && k.kind === 'ConfigMap')!;
const pod = allKinds.find((k) => k.group === '' && k.kind === 'Pod')!;
const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' } }, data: { k: 'v' } };
const livePod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };

// [what, kind schema, live object, strategic merge patch, expected message or undefined]
const cases: [string, typeof cm, object, object, string | undefined][] = [
  ['labels as a string', cm, live, { metadata: { labels: 'invalid' } }, ' "" is invalid: patch: Invalid value: "map[metadata:map[labels:invalid]]": cannot restore map from string'],
  ['data as a number', cm, live, { data: 3 }, ' "" is invalid: patch: Invalid value: "map[data:3]": cannot restore map from int64'],
  ['metadata as a list', cm, live, { metadata: ['x'] }, ' "" is invalid: patch: Invalid value: "map[metadata:[x]]": cannot restore struct from: slice'],
  ['containers as a string', pod, livePod, { spec: { containers: 'x' } }, ' "" is invalid: patch: Invalid value: "map[spec:map[containers:x]]": cannot restore slice from string'],
  ['a good patch', cm, live, { metadata: { labels: { c: 'd' } }, data: { k: 'w' } }, undefined],
];

describe('strategic merge patch results that do not convert', () => {
  it.each(cases)('%s', (_what, def, obj, patch, message) => {
    const patched = applyStrategicMergePatch(structuredClone(obj), patch, def.schema);
    const err = checkPatchedObject(def.schema, patched, patch);
    expect(err?.status.message).toBe(message);
    if (message) expect(err?.status).toMatchObject({ code: 422, reason: 'Invalid', details: { causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] } });
  });
  it.each([
    [{ b: 1, a: [true, null] }, 'map[a:[true <nil>] b:1]'],
    [{ x: 1.5 }, 'map[x:1.5]'],
    [{ x: 0.00001 }, 'map[x:1e-05]'],
  ])('formats %j as Go %%+v', (v, s) => expect(goFormat(v)).toBe(s));
});
