// Every served kind, with every field its schema has set, survives JSON → protobuf → JSON unchanged,
// and so does its List.
import { protoMessage } from '@kubets/api';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from './codec';
import { servedKinds } from './served';
import { fill } from './__tests__/full-object';

describe.each(servedKinds().map((k) => [`${k.apiVersion} ${k.kind}`, k] as const))('%s', (_n, k) => {
  const obj = fill(k.message, k.schema, 0, { apiVersion: k.apiVersion, kind: k.kind });

  it('round-trips an object with every field set', () => {
    const back = decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj));
    expect(back).toEqual(obj);
  });

  it('round-trips its List', () => {
    if (!protoMessage(`${k.message}List`)) return; // create-only kinds have no List
    const list = { apiVersion: k.apiVersion, kind: `${k.kind}List`, metadata: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 }, items: [obj, obj] };
    const back = decodeKubernetesProtobuf(encodeKubernetesProtobuf(list));
    expect(back).toEqual({ ...list, items: [strip(obj), strip(obj)] });
  });
});

/** List items carry no TypeMeta in protobuf (as in Kubernetes: the list's kind says it). */
function strip(o: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}
