import { createLogger } from './logger';

it('writes JSON lines with ts, level, component, msg and fields; -v gates verbose lines', () => {
  const lines: string[] = [];
  const log = createLogger('scheduler', 2, (l) => lines.push(l));
  log.info('started', { port: 10259 });
  log.v(2).info('detail');
  log.v(3).info('too verbose');
  log.with({ pod: 'ns/p' }).error('failed', { err: new Error('boom') });
  const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(recs).toHaveLength(3);
  expect(recs[0]).toMatchObject({ level: 'info', component: 'scheduler', msg: 'started', port: 10259 });
  expect(typeof recs[0]!.ts).toBe('string');
  expect(recs[1]).toMatchObject({ msg: 'detail', v: 2 });
  expect(recs[2]).toMatchObject({ level: 'error', pod: 'ns/p', err: { message: 'boom' } });
  expect(log.v(3).enabled).toBe(false);
});
