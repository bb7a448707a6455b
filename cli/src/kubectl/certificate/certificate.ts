// kts certificate approve|deny NAME...: kubectl's certificate command. Appends an Approved (Denied) condition and
// PUTs the object to certificatesigningrequests/NAME/approval; a request already approved (denied) is left as it
// is unless --force, and one already denied (approved) is an error (kubectl 1.32 refuses it even with --force). A conflict re-reads the request and tries again (up to 10 times), as kubectl does.
import { hasReason } from '@kubets/api';
import { rfc3339 } from '@kubets/client';
import type { Ctx, CommandSpec } from '../common/context';
import { b, type KParsed } from '../common/flags';

type J = Record<string, unknown>;
interface Condition {
  type?: string;
}

const verbs = {
  approve: { type: 'Approved', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.', done: 'approved' },
  deny: { type: 'Denied', reason: 'KubectlDeny', message: 'This CSR was denied by kubectl certificate deny.', done: 'denied' },
} as const;

const base = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

export const certificateSpec: CommandSpec = {
  usage: 'Usage: kts certificate (approve | deny) (-f FILENAME | NAME) [--force] [flags]',
  flags: { force: { type: 'bool', default: false } },
  run: (ctx, p) => certificate(ctx, p),
};

async function certificate(ctx: Ctx, p: KParsed): Promise<number> {
  const [sub, ...names] = p.args;
  if (sub !== 'approve' && sub !== 'deny') throw new Error(sub ? `unknown command "${sub}" for "kts certificate"` : 'Usage: kts certificate (approve | deny) NAME...');
  if (names.length === 0) throw new Error('one or more CSRs must be specified as <name> or -f <filename>');
  const v = verbs[sub];
  const force = b(p.values.force);
  for (const name of names) {
    for (let i = 0; ; i++) {
      const csr = await ctx.t.request<J>({ path: `${base}/${encodeURIComponent(name)}` });
      const status = (csr.status ?? {}) as { conditions?: Condition[] };
      const conditions = status.conditions ?? [];
      const opposite = sub === 'approve' ? 'Denied' : 'Approved';
      if (conditions.some((c) => c.type === opposite)) throw new Error(`certificate signing request ${JSON.stringify(name)} is already ${opposite}`);
      if (conditions.some((c) => c.type === v.type) && !force) break;
      status.conditions = [...conditions, { type: v.type, status: 'True', reason: v.reason, message: v.message, lastUpdateTime: rfc3339(Date.now()) } as Condition];
      csr.status = status;
      try {
        await ctx.t.request({ method: 'PUT', path: `${base}/${encodeURIComponent(name)}/approval`, body: csr });
        break;
      } catch (e) {
        if (hasReason(e, 'Conflict') && i < 10) continue;
        throw e;
      }
    }
    ctx.io.out.write(`certificatesigningrequest.certificates.k8s.io/${name} ${v.done}\n`);
  }
  return 0;
}
