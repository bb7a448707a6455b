import type { IncomingMessage } from 'node:http';
import { decodeKubernetesProtobuf } from '@kubets/proto';
import { protobufResponse, wantsProtobuf } from './response';

describe('wantsProtobuf', () => {
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ['application/json', false],
    ['*/*', false],
    ['application/vnd.kubernetes.protobuf', true],
    ['application/vnd.kubernetes.protobuf,application/json', true], // client-go
    ['application/vnd.kubernetes.protobuf, */*', true],
    ['application/json,application/vnd.kubernetes.protobuf', false],
    ['application/json;q=0.5,application/vnd.kubernetes.protobuf', true],
    ['application/vnd.kubernetes.protobuf;q=0,application/json', false],
    ['application/vnd.kubernetes.protobuf;stream=watch', true],
    ['application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json', false],
  ];
  it.each(cases)('%s → %s', (accept, want) => {
    expect(wantsProtobuf(accept)).toBe(want);
  });
});

describe('protobufResponse', () => {
  const req = (accept: string) => ({ headers: { accept } }) as IncomingMessage;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } };
  const cases: Array<[string, unknown, string, boolean]> = [
    ['a pod, protobuf asked', pod, 'application/vnd.kubernetes.protobuf', true],
    ['a pod, JSON asked', pod, 'application/json', false],
    ['a Table', { apiVersion: 'meta.k8s.io/v1', kind: 'Table', rows: [] }, 'application/vnd.kubernetes.protobuf', false],
    ['discovery', { kind: 'APIResourceList', groupVersion: 'v1', resources: [] }, 'application/vnd.kubernetes.protobuf', false],
    ['a field with no field number: JSON instead', { ...pod, spec: { containers: [], kubetsOnly: 1 } }, 'application/vnd.kubernetes.protobuf', false],
  ];
  it.each(cases)('%s', (_n, obj, accept, pb) => {
    const body = protobufResponse(req(accept), obj);
    expect(body !== undefined).toBe(pb);
    if (body) expect(decodeKubernetesProtobuf(body)).toEqual(obj);
  });
});
