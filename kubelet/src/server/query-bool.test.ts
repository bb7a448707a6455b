import { parseLogQuery } from './logs';

// apimachinery's query bool conversion, as the kubelet decodes containerLogs options: only absent, "0" and
// "false" (any case) are false.
const cases: [query: string, follow: boolean][] = [
  ['', false],
  ['follow=true', true],
  ['follow=True', true],
  ['follow=1', true],
  ['follow=', true],
  ['follow=false', false],
  ['follow=FALSE', false],
  ['follow=0', false],
];

describe('kubelet query booleans', () => {
  it.each(cases)('?%s -> follow %s', (query, follow) => {
    expect(parseLogQuery(new URLSearchParams(query)).follow).toBe(follow);
  });
});
