// A ValidatingAdmissionPolicy's expressions compiled once per generation, and the write-time check that they
// compile at all (the 422 a policy with a broken expression gets).
import { errors, type StatusCause, type ValidatingAdmissionPolicy } from '@kubets/api';
import { compile, type CelProgram, type CompileEnv } from '../../cel';

/** Variables every policy expression may read (upstream also has `authorizer`, which kubets does not offer). */
const baseVariables = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables'];

export interface CompiledValidation {
  expression: string;
  program: CelProgram;
  message?: string;
  messageProgram?: CelProgram;
  reason?: string;
}

export interface CompiledPolicy {
  /** the first expression that does not compile, as a configuration error (failurePolicy applies) */
  configurationError?: string;
  variables: { name: string; program: CelProgram }[];
  matchConditions: { name: string; program: CelProgram }[];
  validations: CompiledValidation[];
  auditAnnotations: { key: string; valueExpression: string; program: CelProgram }[];
}

interface Compiled {
  program?: CelProgram;
  cause?: StatusCause;
}

function compileAt(field: string, expression: string, env: CompileEnv): Compiled {
  const r = compile(expression, env);
  if (r.error) return { cause: { reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(expression)}: ${r.error.message}` } };
  return { program: r.program };
}

/** Compiles every expression of the spec; causes name the fields that failed. */
export function compilePolicy(spec: ValidatingAdmissionPolicy['spec']): { compiled: CompiledPolicy; causes: StatusCause[] } {
  const causes: StatusCause[] = [];
  const take = (c: Compiled): CelProgram | undefined => {
    if (c.cause) causes.push(c.cause);
    return c.program;
  };
  const compiled: CompiledPolicy = { variables: [], matchConditions: [], validations: [], auditAnnotations: [] };
  const declared: string[] = [];
  (spec?.variables ?? []).forEach((v, i) => {
    // a variable may use the ones declared before it
    const p = take(compileAt(`spec.variables[${i}].expression`, v.expression, { variables: baseVariables, compositionVariables: [...declared] }));
    declared.push(v.name);
    if (p) compiled.variables.push({ name: v.name, program: p });
  });
  const env: CompileEnv = { variables: baseVariables, compositionVariables: declared };
  (spec?.matchConditions ?? []).forEach((m, i) => {
    const p = take(compileAt(`spec.matchConditions[${i}].expression`, m.expression, env));
    if (p) compiled.matchConditions.push({ name: m.name, program: p });
  });
  (spec?.validations ?? []).forEach((v, i) => {
    const p = take(compileAt(`spec.validations[${i}].expression`, v.expression, env));
    const mp = v.messageExpression ? take(compileAt(`spec.validations[${i}].messageExpression`, v.messageExpression, env)) : undefined;
    if (p) compiled.validations.push({ expression: v.expression, program: p, ...(v.message !== undefined ? { message: v.message } : {}), ...(mp ? { messageProgram: mp } : {}), ...(v.reason ? { reason: v.reason } : {}) });
  });
  (spec?.auditAnnotations ?? []).forEach((a, i) => {
    const p = take(compileAt(`spec.auditAnnotations[${i}].valueExpression`, a.valueExpression, env));
    if (p) compiled.auditAnnotations.push({ key: a.key, valueExpression: a.valueExpression, program: p });
  });
  const first = causes[0];
  if (first) compiled.configurationError = `${first.field}: ${first.message}`;
  return { compiled, causes };
}

/** Throws 422 when any expression of the policy does not compile (upstream's create/update validation). */
export function validatePolicyExpressions(policy: ValidatingAdmissionPolicy): void {
  const { causes } = compilePolicy(policy.spec);
  if (causes.length) throw errors.invalid({ group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' }, policy.metadata.name ?? '', causes);
}

/** Compiled policies by name, recompiled when the uid or generation changes. */
export class PolicyCache {
  private readonly entries = new Map<string, { uid: string; generation: number; compiled: CompiledPolicy }>();

  get(policy: ValidatingAdmissionPolicy): CompiledPolicy {
    const name = policy.metadata.name ?? '';
    const uid = policy.metadata.uid ?? '';
    const generation = policy.metadata.generation ?? 0;
    const hit = this.entries.get(name);
    if (hit && hit.uid === uid && hit.generation === generation) return hit.compiled;
    const { compiled } = compilePolicy(policy.spec);
    this.entries.set(name, { uid, generation, compiled });
    return compiled;
  }

  /** Drops entries for policies that no longer exist. */
  retain(names: ReadonlySet<string>): void {
    for (const n of this.entries.keys()) if (!names.has(n)) this.entries.delete(n);
  }
}
