import { applyJsonPatch } from './json-patch';
import { applyMergePatch } from './merge-patch';
import { StatusError } from '../errors/status-error';

const doc = () => ({ metadata: { name: 'a', labels: { 'app/x': 'y', 'a~b': 'c' } }, spec: { replicas: 1, list: [1, 2, 3] } });

describe('applyJsonPatch', () => {
  const cases: Array<[string, unknown[], unknown]> = [
    ['add field', [{ op: 'add', path: '/spec/paused', value: true }], { ...doc(), spec: { replicas: 1, list: [1, 2, 3], paused: true } }],
    ['replace field', [{ op: 'replace', path: '/spec/replicas', value: 3 }], { ...doc(), spec: { replicas: 3, list: [1, 2, 3] } }],
    ['remove field', [{ op: 'remove', path: '/spec/replicas' }], { ...doc(), spec: { list: [1, 2, 3] } }],
    ['append with -', [{ op: 'add', path: '/spec/list/-', value: 4 }], { ...doc(), spec: { replicas: 1, list: [1, 2, 3, 4] } }],
    ['insert at index', [{ op: 'add', path: '/spec/list/0', value: 0 }], { ...doc(), spec: { replicas: 1, list: [0, 1, 2, 3] } }],
    ['remove index', [{ op: 'remove', path: '/spec/list/1' }], { ...doc(), spec: { replicas: 1, list: [1, 3] } }],
    ['escaped ~1', [{ op: 'remove', path: '/metadata/labels/app~1x' }], { ...doc(), metadata: { name: 'a', labels: { 'a~b': 'c' } } }],
    ['escaped ~0', [{ op: 'replace', path: '/metadata/labels/a~0b', value: 'd' }], { ...doc(), metadata: { name: 'a', labels: { 'app/x': 'y', 'a~b': 'd' } } }],
    ['move', [{ op: 'move', from: '/spec/replicas', path: '/spec/count' }], { ...doc(), spec: { list: [1, 2, 3], count: 1 } }],
    ['copy', [{ op: 'copy', from: '/metadata/name', path: '/spec/name' }], { ...doc(), spec: { replicas: 1, list: [1, 2, 3], name: 'a' } }],
    ['test ok then replace', [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'replace', path: '/spec/replicas', value: 2 }], { ...doc(), spec: { replicas: 2, list: [1, 2, 3] } }],
    ['test null on missing', [{ op: 'test', path: '/spec/nothing', value: null }], doc()],
    ['replace root', [{ op: 'replace', path: '', value: { a: 1 } }], { a: 1 }],
  ];
  it.each(cases)('%s', (_n, ops, want) => {
    const input = doc();
    expect(applyJsonPatch(input, ops)).toEqual(want);
    expect(input).toEqual(doc()); // input untouched
  });

  const bad: Array<[string, unknown, number]> = [
    ['not an array', { op: 'add' }, 400],
    ['op not an object', ['x'], 400],
    ['missing op', [{ path: '/a' }], 400],
    ['failed test', [{ op: 'test', path: '/spec/replicas', value: 5 }], 422],
    ['remove missing', [{ op: 'remove', path: '/spec/nope' }], 422],
    ['replace missing', [{ op: 'replace', path: '/spec/nope', value: 1 }], 422],
    ['add below missing parent', [{ op: 'add', path: '/nope/x', value: 1 }], 422],
    ['index out of range', [{ op: 'add', path: '/spec/list/9', value: 1 }], 422],
    ['bad index', [{ op: 'replace', path: '/spec/list/x', value: 1 }], 422],
    ['unknown op', [{ op: 'frobnicate', path: '/a' }], 422],
    ['missing value', [{ op: 'add', path: '/a' }], 422],
    ['pointer without slash', [{ op: 'add', path: 'a', value: 1 }], 422],
    ['too many operations', Array.from({ length: 10001 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 })), 413],
  ];
  it.each(bad)('rejects %s', (_n, ops, code) => {
    let err: unknown;
    try {
      applyJsonPatch(doc(), ops);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(code);
    if (code === 422) {
      expect((err as StatusError).status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server rejected our request due to an error in our request',
        reason: 'Invalid',
        details: {},
        code: 422,
      });
    }
  });
});

describe('applyMergePatch', () => {
  const cases: Array<[string, unknown, unknown, unknown]> = [
    ['set label', { metadata: { labels: { a: '1' } } }, { metadata: { labels: { b: '2' } } }, { metadata: { labels: { a: '1', b: '2' } } }],
    ['null deletes', { metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null } } }, { metadata: { labels: { b: '2' } } }],
    ['arrays replace', { a: [1, 2] }, { a: [3] }, { a: [3] }],
    ['scalar replaces object', { a: { b: 1 } }, { a: 1 }, { a: 1 }],
    ['object replaces scalar', { a: 1 }, { a: { b: null, c: 2 } }, { a: { c: 2 } }],
    ['non-object patch replaces', { a: 1 }, [1], [1]],
    ['doc not object', 'x', { a: 1 }, { a: 1 }],
    ['RFC 7386 example', { a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } }, { a: 'z', c: { d: 'e' } }],
  ];
  it.each(cases)('%s', (_n, doc, patch, want) => {
    const copy = JSON.parse(JSON.stringify(doc));
    expect(applyMergePatch(doc, patch)).toEqual(want);
    expect(doc).toEqual(copy);
  });
});
