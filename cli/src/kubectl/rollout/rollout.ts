// kts rollout status|undo|history TYPE/NAME.
import type { CommandSpec } from '../common/context';
import { b, n, s } from '../common/flags';
import { resourceRequests } from '../get/args';
import { rolloutStatus } from './status';
import { rolloutHistory, rolloutUndo } from './undo';

function durationMs(v: string): number {
  if (!v || v === '0') return 0;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new Error(`invalid duration "${v}"`);
  const k = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 1000;
  return Number(m[1]) * k;
}

export const rolloutSpec: CommandSpec = {
  usage: 'Usage: kts rollout (status|undo|history) (TYPE NAME | TYPE/NAME) [--to-revision=N] [--revision=N] [-w] [--timeout=D]',
  flags: {
    watch: { type: 'bool', short: 'w', default: true },
    timeout: { type: 'string', default: '0s' },
    'to-revision': { type: 'int', default: 0 },
    revision: { type: 'int', default: 0 },
  },
  run: async (ctx, p) => {
    const [sub, ...rest] = p.args;
    if (!sub || !['status', 'undo', 'history'].includes(sub)) throw new Error('rollout: expected one of status, undo, history');
    const { reqs } = await resourceRequests(ctx, rest);
    let code = 0;
    for (const { res, names } of reqs) {
      if (!names?.length) throw new Error('required resource not specified');
      for (const name of names) {
        if (sub === 'status') code = Math.max(code, await rolloutStatus(ctx, res, name, b(p.values.watch, true), durationMs(s(p.values.timeout))));
        else if (sub === 'undo') code = Math.max(code, await rolloutUndo(ctx, res, name, n(p.values['to-revision'])));
        else code = Math.max(code, await rolloutHistory(ctx, res, name, n(p.values.revision)));
      }
    }
    return code;
  },
};
