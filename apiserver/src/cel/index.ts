// CEL for the API server (ValidatingAdmissionPolicy, CRD x-kubernetes-validations, webhook matchConditions).
//
//   const r = compile('self.replicas <= 5', { variables: ['self', 'oldSelf'] });
//   if (r.error) → 422 with r.error.message as the field error detail ("compilation failed: ERROR: <input>:…")
//   const out = evaluate(r.program, new CelActivation({ self: obj.spec, oldSelf: null }));
//   out.error → runtime error text ("no such key: x"); else out.value is plain JS (true/false, numbers, strings…)
//
// Whole JSON numbers are CEL ints, others doubles. Supported beyond CEL's standard library: see library.ts.
// Not supported: type checking at compile time, cost limits, optional types (`?.`), url()/ip()/cidr()/quantity().
export { compile, maxExpressionLength, type CompileEnv, type CompileResult, type CelProgram, type CelCompileError } from './compile';
export { evaluate, CelActivation, type EvalResult } from './evaluate';
