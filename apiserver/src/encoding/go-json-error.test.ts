import { goJsonSyntaxError, summarizeData } from './go-json-error';

// Messages of Go's encoding/json for each malformed input.
const cases: [input: string, message: string][] = [
  ['apiVersion: v1\nkind: Pod', "invalid character 'a' looking for beginning of value"],
  ['{', 'unexpected end of JSON input'],
  ['{"a":', 'unexpected end of JSON input'],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
  ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
  ['[1 2]', "invalid character '2' after array element"],
  ['{"a":1}x', "invalid character 'x' after top-level value"],
  ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
  ['{"a":nul}', "invalid character '}' in literal null (expecting 'l')"],
  ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
  ['{"a":-}', "invalid character '}' in numeric literal"],
  ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
  ['{"a":"\\x"}', "invalid character 'x' in string escape code"],
  ['{"a":"b\nc"}', "invalid character '\\n' in string literal"],
  ["'a'", "invalid character '\\'' looking for beginning of value"],
];

describe('goJsonSyntaxError', () => {
  it.each(cases)('%j', (input, message) => expect(goJsonSyntaxError(input)).toBe(message));
});

describe('summarizeData', () => {
  it.each([
    ['', '<empty>'],
    ['{"kind":"Pod"}', '{"kind":"Pod"}'],
    ['{"apiVersion":"v1","kind":"Pod","metadata":{}}', '{"apiVersion":"v1","kind":"Pod ...'],
    ['apiVersion: v1\r\nkind: PersistentVolume', '61706956657273696f6e3a2076310d0a6b696e643a205065727369737465 ...'],
  ])('%j', (input, summary) => expect(summarizeData(Buffer.from(input))).toBe(summary));
});
