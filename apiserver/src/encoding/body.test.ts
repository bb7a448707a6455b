import { decodeBody, parseJson } from './body';
import { scanJsonDepth } from './depth';

const code = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { status?: { code?: number } }).status?.code;
  }
};

describe('request body decoding', () => {
  it('decodes JSON and YAML', () => {
    expect(decodeBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8')).toEqual({ a: 1 });
    expect(decodeBody(Buffer.from('a: 1\nb: [x]\n'), 'application/yaml')).toEqual({ a: 1, b: ['x'] });
  });
  it('maps bad input to Status codes', () => {
    expect(code(() => decodeBody(Buffer.from('{'), 'application/json'))).toBe(400);
    expect(code(() => decodeBody(Buffer.from(''), 'application/json'))).toBe(400);
    expect(code(() => decodeBody(Buffer.from('a: [b'), 'application/yaml'))).toBe(400);
    expect(code(() => decodeBody(Buffer.from('x'), 'text/plain'))).toBe(415);
    expect(code(() => parseJson('['.repeat(101) + ']'.repeat(101)))).toBe(400);
    expect(code(() => decodeBody(Buffer.from('k8s\0garbage'), 'application/vnd.kubernetes.protobuf'))).toBe(400);
  });
  it('scans depth outside strings only', () => {
    expect(scanJsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(scanJsonDepth('{"a":"\\"[[["}')).toBe(1);
    expect(scanJsonDepth('[[[]]]')).toBe(3);
  });
});
