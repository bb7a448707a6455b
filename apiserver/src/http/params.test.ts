import { boolParam, queryBool } from './params';
import { parseRequestInfo } from './request-info';

// apimachinery's runtime.Convert_Slice_string_To_bool: only absent, "0" and "false" in any case are false.
const cases: [query: string, expected: boolean][] = [
  ['', false],
  ['watch=0', false],
  ['watch=false', false],
  ['watch=False', false],
  ['watch=FALSE', false],
  ['watch=true', true],
  ['watch=True', true],
  ['watch=TRUE', true],
  ['watch=1', true],
  ['watch=yes', true],
  ['watch=', true],
  ['watch', true],
  ['watch=true&watch=false', true],
  ['watch=false&watch=true', false],
];

describe('query booleans', () => {
  it.each(cases)('?%s -> %s', (query, expected) => {
    const q = new URLSearchParams(query);
    expect(boolParam(q, 'watch')).toBe(expected);
    expect(parseRequestInfo('GET', '/api/v1/pods', q)?.verb).toBe(expected ? 'watch' : 'list');
  });
  it('absent is false', () => expect(queryBool(null)).toBe(false));
});
