// Compiling CEL: parse with @bufbuild/cel, then the checks Kubernetes' compiler reports at write time that a
// parser alone misses (references to undeclared variables and functions, unknown `variables.<name>`). Errors read
// as cel-go prints them ("ERROR: <input>:1:5: undeclared reference to 'x' (in container '')" plus the caret).
// There is no type checker: type errors (int > string) surface when the expression runs.
import { celEnv, parse, plan, type CelEnv, type CelInput, type CelResult } from '@bufbuild/cel';
import { kubernetesLibrary } from './library';

type Parsed = ReturnType<typeof parse>;
type Expr = Parsed['expr'];

/** What an expression may refer to. */
export interface CompileEnv {
  /** top-level variables (object, oldObject, request, params, namespaceObject, variables, self …) */
  readonly variables: readonly string[];
  /** names usable as `variables.<name>` (composition variables declared before this expression) */
  readonly compositionVariables?: readonly string[];
}

export interface CelProgram {
  readonly expression: string;
  /** @internal evaluation entry point; use evaluate() */
  readonly run: (bindings: Record<string, CelInput>) => CelResult;
}

export interface CelCompileError {
  /** "compilation failed: ERROR: <input>:L:C: …\n | expr\n | ..^" — the detail Kubernetes puts in field errors */
  readonly message: string;
}

export type CompileResult = { program: CelProgram; error?: undefined } | { program?: undefined; error: CelCompileError };

/** Kubernetes refuses longer expressions (MaxRequestSizeBytes-derived limit for a single expression). */
export const maxExpressionLength = 5 * 1024;

// Operators the evaluator implements itself rather than through its function table.
const builtinOperators = new Set(['_&&_', '_||_', '_?_:_', '@not_strictly_false', '_[_]', '_[?_]', '_?._']);

let sharedEnv: CelEnv | undefined;
function env(): CelEnv {
  sharedEnv ??= celEnv({ funcs: kubernetesLibrary });
  return sharedEnv;
}

interface Problem {
  offset: number;
  text: string;
}

function caret(expression: string, offset: number): { line: number; column: number; snippet: string } {
  const before = expression.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = offset - lineStart + 1;
  const lineText = expression.split('\n')[line - 1] ?? '';
  return { line, column, snippet: `\n | ${lineText}\n | ${'.'.repeat(Math.max(0, column - 1))}^` };
}

function formatProblems(expression: string, problems: Problem[]): CelCompileError {
  const parts = problems.map((p) => {
    const c = caret(expression, p.offset);
    return `ERROR: <input>:${c.line}:${c.column}: ${p.text}${c.snippet}`;
  });
  return { message: `compilation failed: ${parts.join('\n')}` };
}

/** Walks the parsed expression for references that cannot resolve. */
function undeclared(parsed: Parsed, cenv: CompileEnv): Problem[] {
  const problems: Problem[] = [];
  const positions = parsed.sourceInfo?.positions ?? {};
  const at = (e: Expr): number => positions[String(e.id)] ?? 0;
  const funcs = env().funcs;
  const declared = new Set(cenv.variables);
  const composition = cenv.compositionVariables ? new Set(cenv.compositionVariables) : undefined;
  const visit = (e: Expr | undefined, scope: ReadonlySet<string>): void => {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr':
        if (!scope.has(k.value.name) && !declared.has(k.value.name)) problems.push({ offset: at(e), text: `undeclared reference to '${k.value.name}' (in container '')` });
        return;
      case 'selectExpr': {
        const operand = k.value.operand;
        if (composition && operand?.exprKind.case === 'identExpr' && operand.exprKind.value.name === 'variables' && !scope.has('variables') && !composition.has(k.value.field)) {
          problems.push({ offset: at(e), text: `undefined field '${k.value.field}'` });
        }
        visit(operand, scope);
        return;
      }
      case 'callExpr':
        if (!builtinOperators.has(k.value.function) && !funcs.find(k.value.function)) {
          problems.push({ offset: at(e), text: `undeclared reference to '${k.value.function}' (in container '')` });
        }
        visit(k.value.target, scope);
        for (const a of k.value.args) visit(a, scope);
        return;
      case 'listExpr':
        for (const x of k.value.elements) visit(x, scope);
        return;
      case 'structExpr':
        for (const en of k.value.entries) {
          if (en.keyKind.case === 'mapKey') visit(en.keyKind.value, scope);
          visit(en.value, scope);
        }
        return;
      case 'comprehensionExpr': {
        const c = k.value;
        visit(c.iterRange, scope);
        visit(c.accuInit, scope);
        const inner = new Set([...scope, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
        visit(c.loopCondition, inner);
        visit(c.loopStep, inner);
        visit(c.result, new Set([...scope, c.accuVar]));
        return;
      }
      default:
        return;
    }
  };
  visit(parsed.expr, new Set());
  return problems;
}

/** Compile an expression for repeated evaluation; errors are in Kubernetes' words. */
export function compile(expression: string, cenv: CompileEnv): CompileResult {
  if (expression.length > maxExpressionLength) {
    return { error: { message: `compilation failed: expression exceeds the maximum length of ${maxExpressionLength} characters` } };
  }
  let parsed: Parsed;
  try {
    parsed = parse(expression);
  } catch (e) {
    const err = e as { rawMessage?: unknown; location?: { start?: { offset?: unknown } }; message?: unknown };
    const raw = typeof err.rawMessage === 'string' ? err.rawMessage : String(err.message ?? e);
    const offset = typeof err.location?.start?.offset === 'number' ? err.location.start.offset : 0;
    return { error: formatProblems(expression, [{ offset, text: `Syntax error: ${raw}` }]) };
  }
  const problems = undeclared(parsed, cenv);
  if (problems.length) return { error: formatProblems(expression, problems) };
  const evaluator = plan(env(), parsed);
  return { program: { expression, run: (bindings) => evaluator(bindings) } };
}
