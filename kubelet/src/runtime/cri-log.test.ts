import { formatCriLogLine, parseCriLog, parseCriLogLine } from './cri-log';

test.each([
  ['2026-11-27T20:21:31.999109317+00:00 stdout F hello', { stream: 'stdout', tag: 'F', content: 'hello' }],
  ['2026-11-27T20:21:31.999Z stderr P part', { stream: 'stderr', tag: 'P', content: 'part' }],
  ['2026-11-27T20:21:31Z stdout F', { stream: 'stdout', tag: 'F', content: '' }],
  ['2026-11-27T20:21:31Z stdout F with  two  spaces ', { content: 'with  two  spaces ' }],
])('parses %s', (line, want) => {
  expect(parseCriLogLine(line)).toMatchObject(want);
});

test.each(['', 'garbage', 'notatime stdout F x', '2026-11-27T20:21:31Z stdin F x', '2026-11-27T20:21:31Z stdout X x'])('rejects %j', (line) => {
  expect(parseCriLogLine(line)).toBeUndefined();
});

test('partial lines are joined per stream', () => {
  const log = ['T1 stdout P ab', 'T1 stderr F err', 'T1 stdout F cd'].map((l) => l.replace('T1', '2026-01-01T00:00:00Z')).join('\n');
  expect(parseCriLog(log).map((l) => [l.stream, l.content])).toEqual([['stderr', 'err'], ['stdout', 'abcd']]);
});

test('format round-trips', () => {
  const line = formatCriLogLine(new Date(0), 'stdout', 'x y');
  expect(line).toBe('1970-01-01T00:00:00.000Z stdout F x y');
  expect(parseCriLogLine(line)?.content).toBe('x y');
});
