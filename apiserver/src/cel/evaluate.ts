// Running compiled programs: an activation binds JSON values (converted once, shared by every expression of a
// request) and composition variables, which are evaluated lazily on first use and then memoised, as in
// Kubernetes (an unused variable that would fail does not fail the request).
import { celError, isCelError, type CelInput, type CelValue } from '@bufbuild/cel';
import type { CelProgram } from './compile';
import { fromCel, toCel } from './values';

export type EvalResult = { value: unknown; error?: undefined } | { value?: undefined; error: string };

export class CelActivation {
  private readonly bindings: Record<string, CelInput> = {};

  /** Binds JSON values (objects as stored by the API server; absent/undefined binds null). */
  constructor(vars: Record<string, unknown> = {}) {
    for (const [k, v] of Object.entries(vars)) this.bindings[k] = toCel(v);
  }

  /** Binds `variables`: each named program runs against this activation when first read. */
  withCompositionVariables(defs: readonly { name: string; program: CelProgram }[]): this {
    this.bindings['variables'] = new LazyVariables(defs, this.bindings);
    return this;
  }

  /** @internal */
  get raw(): Record<string, CelInput> {
    return this.bindings;
  }
}

// A Map (which @bufbuild/cel reads key by key, unlike plain objects, whose getters it runs all at once) that
// evaluates each variable on first read. A variable may only read variables declared before it (upstream rule),
// so a self-reference cannot recurse: compile() refuses it.
class LazyVariables extends Map<string, CelInput> {
  constructor(
    private readonly defs: readonly { name: string; program: CelProgram }[],
    private readonly bindings: Record<string, CelInput>,
  ) {
    super();
  }
  override get(name: string): CelInput | undefined {
    if (super.has(name)) return super.get(name);
    const d = this.defs.find((x) => x.name === name);
    if (!d) return undefined;
    const r = run(d.program, this.bindings);
    if (isCelError(r)) throw celError(`composited variable "${d.name}" fails to evaluate: ${r.message}`);
    super.set(name, r);
    return r;
  }
  override has(name: string): boolean {
    return this.defs.some((x) => x.name === name);
  }
  override get size(): number {
    return this.defs.length;
  }
  override *keys(): MapIterator<string> {
    for (const d of this.defs) yield d.name;
  }
  override *entries(): MapIterator<[string, CelInput]> {
    for (const d of this.defs) yield [d.name, this.get(d.name) ?? null];
  }
  override *values(): MapIterator<CelInput> {
    for (const d of this.defs) yield this.get(d.name) ?? null;
  }
  override [Symbol.iterator](): MapIterator<[string, CelInput]> {
    return this.entries();
  }
  override forEach(cb: (value: CelInput, key: string, map: Map<string, CelInput>) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this);
  }
}

function run(program: CelProgram, bindings: Record<string, CelInput>): CelValue | ReturnType<typeof celError> {
  try {
    return program.run(bindings);
  } catch (e) {
    // lazy variables throw from inside the evaluator
    return isCelError(e) ? e : celError(e instanceof Error ? e.message : String(e));
  }
}

/** Evaluates a program; the value comes back as plain JS (bool, number, string, arrays, objects, null). */
export function evaluate(program: CelProgram, activation: CelActivation): EvalResult {
  const r = run(program, activation.raw);
  if (isCelError(r)) return { error: translate(r.message) };
  return { value: fromCel(r) };
}

// cel-go's wording for the errors users meet most, so messages match what Kubernetes prints.
function translate(message: string): string {
  return message.replace(/field not found: /g, 'no such key: ');
}
