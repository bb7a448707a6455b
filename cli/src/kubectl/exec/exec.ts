// kts exec POD [-c C] [-i] [-t] -- CMD…: pods/exec over WebSocket (v5.channel.k8s.io, falling back to v4), stdin
// from the IO's input with -i (raw mode with -t, resizes on SIGWINCH), stdout/stderr channels, and the command's
// exit code from the Status on the error channel.
import { WebSocket } from 'ws';
import type { Ctx, CommandSpec } from '../common/context';
import { b, s, type KParsed } from '../common/flags';
import { resourcePath } from '../common/discovery';
import { pickContainer, resolvePod } from '../common/pods';
import { formatError } from '../common/errors';
import { statusErrorFrom } from '@kubets/client';
import { ERROR, STDERR, STDOUT, STDIN, closeStdinFrame, exitFromStatus, frame, protocols, resizeFrame, unframe } from './channel';

type J = Record<string, unknown>;

export const execSpec: CommandSpec = {
  usage: 'Usage: kts exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]',
  flags: {
    container: { type: 'string', short: 'c', default: '' },
    stdin: { type: 'bool', short: 'i', default: false },
    tty: { type: 'bool', short: 't', default: false },
    quiet: { type: 'bool', short: 'q', default: false },
  },
  run: (ctx, p) => exec(ctx, p),
};

async function exec(ctx: Ctx, p: KParsed): Promise<number> {
  const [target, ...legacyCmd] = p.args;
  const command = p.rest ?? legacyCmd;
  if (!target) throw new Error('pod, type/name or --filename must be specified');
  if (command.length === 0) throw new Error('you must specify at least one command for the container');
  const pod = await resolvePod(ctx, target);
  const meta = (pod.metadata ?? {}) as J;
  const container = pickContainer(ctx, pod, s(p.values.container));
  const stdin = b(p.values.stdin);
  const tty = b(p.values.tty) && stdin && !!ctx.io.stdinIsTTY;
  if (b(p.values.tty) && !tty && !b(p.values.quiet)) ctx.io.err.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  const podsRes = { group: '', version: 'v1', plural: 'pods', namespaced: true };
  const u = ctx.t.url(resourcePath(podsRes, String(meta.namespace ?? ctx.namespace), String(meta.name), 'exec'), {
    command,
    container,
    stdin: stdin ? 'true' : undefined,
    stdout: 'true',
    stderr: tty ? undefined : 'true',
    tty: tty ? 'true' : undefined,
  });
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(u, protocols, { headers: ctx.t.authHeaders(), ...ctx.t.tlsOptions() });
  return new Promise<number>((resolve, reject) => {
    let exit: { code: number; message?: string } | undefined;
    const input = ctx.io.in as NodeJS.ReadStream;
    const cleanups: Array<() => void> = [];
    const finish = (code: number) => {
      for (const c of cleanups.splice(0)) c();
      resolve(code);
    };
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(statusErrorFrom(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
    });
    ws.on('error', (e) => reject(e));
    const onAbort = () => ws.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => ctx.signal.removeEventListener('abort', onAbort));
    ws.on('open', () => {
      if (stdin) {
        if (tty && typeof input.setRawMode === 'function') {
          input.setRawMode(true);
          cleanups.push(() => input.setRawMode(false));
          const out = process.stdout;
          const resize = () => ws.send(resizeFrame(out.columns ?? 80, out.rows ?? 24));
          resize();
          process.on('SIGWINCH', resize);
          cleanups.push(() => process.off('SIGWINCH', resize));
        }
        const onData = (d: Buffer | string) => ws.send(frame(STDIN, typeof d === 'string' ? Buffer.from(d) : d));
        const onEnd = () => {
          if (ws.protocol === 'v5.channel.k8s.io' && ws.readyState === WebSocket.OPEN) ws.send(closeStdinFrame());
        };
        input.on('data', onData);
        input.on('end', onEnd);
        cleanups.push(() => {
          input.off('data', onData);
          input.off('end', onEnd);
          input.pause();
        });
        input.resume();
      }
    });
    ws.on('message', (data: Buffer) => {
      const m = unframe(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
      if (!m) return;
      if (m.channel === STDOUT) ctx.io.out.write(m.data.toString('utf8'));
      else if (m.channel === STDERR) ctx.io.err.write(m.data.toString('utf8'));
      else if (m.channel === ERROR) exit = exitFromStatus(m.data.toString('utf8'));
    });
    ws.on('close', () => {
      if (exit?.message) ctx.io.err.write(exit.code > 0 && exit.message.startsWith('command terminated') ? `${exit.message}\n` : `${formatError(new Error(exit.message))}\n`);
      finish(exit?.code ?? 0);
    });
  });
}
