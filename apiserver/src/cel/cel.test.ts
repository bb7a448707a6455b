import { compile, evaluate, CelActivation, type CelProgram } from './index';

const vars = ['object', 'oldObject', 'params', 'request', 'variables'];

function program(expr: string, compositionVariables?: string[]): CelProgram {
  const r = compile(expr, { variables: vars, ...(compositionVariables ? { compositionVariables } : {}) });
  if (r.error) throw new Error(r.error.message);
  return r.program;
}

const deployment = {
  metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
  spec: { replicas: 6, paused: false, template: { spec: { containers: [{ name: 'a', image: 'nginx:latest', ports: [{ containerPort: 80 }] }, { name: 'b', image: 'busybox:1.36' }] } } },
};

describe('CEL evaluation', () => {
  const cases: [string, unknown][] = [
    ['object.spec.replicas <= 5', false],
    ['object.spec.replicas > 5.5', true],
    ['object.spec.replicas + 1', 7],
    ['has(object.spec.replicas)', true],
    ['has(object.spec.minReadySeconds)', false],
    ['oldObject == null', true],
    ["object.metadata.labels['app'] == 'web'", true],
    ["'tier' in object.metadata.labels", true],
    ['object.spec.template.spec.containers.all(c, !c.image.endsWith(":latest"))', false],
    ['object.spec.template.spec.containers.exists_one(c, c.name == "b")', true],
    ['object.spec.template.spec.containers.map(c, c.name)', ['a', 'b']],
    ['object.spec.template.spec.containers.filter(c, has(c.ports)).size()', 1],
    ["'wants replicas <= 5, got ' + string(object.spec.replicas)", 'wants replicas <= 5, got 6'],
    ['object.metadata.name.matches("^w")', true],
    // strings extension
    ["'a,b'.split(',')", ['a', 'b']],
    ["'Hello'.lowerAscii()", 'hello'],
    ["'  x '.trim()", 'x'],
    ["['a','b'].join('-')", 'a-b'],
    ["'abc'.indexOf('c')", 2],
    // Kubernetes lists library
    ['[1, 2, 3].isSorted()', true],
    ['[3, 1].isSorted()', false],
    ['[1, 2, 3].sum()', 6],
    ['[4, 2, 9].min()', 2],
    ["['b', 'c', 'a'].max()", 'c'],
    ['[1, 2, 1].lastIndexOf(1)', 2],
    ['[1, 2, 1].indexOf(2)', 1],
    // regex library
    ["'abc 123'.find('[0-9]+')", '123'],
    ["'a1b22c333'.findAll('[0-9]+')", ['1', '22', '333']],
    ["'a1b22c333'.findAll('[0-9]+', 2)", ['1', '22']],
    // checks
    ["isIP('10.0.0.1') && !isIP('10.0.0')", true],
    ["isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33')", true],
    ["isURL('https://example.com/x') && !isURL('not a url')", true],
    ["isQuantity('100Mi') && !isQuantity('abc')", true],
    ["duration('1h') > duration('30m')", true],
  ];
  it.each(cases)('%s', (expr, want) => {
    const out = evaluate(program(expr), new CelActivation({ object: deployment, oldObject: null }));
    expect(out).toEqual({ value: want });
  });

  it('reports runtime errors in cel-go words', () => {
    const act = new CelActivation({ object: deployment });
    expect(evaluate(program('object.spec.missing == 1'), act).error).toBe('no such key: missing');
    expect(evaluate(program('object.spec.replicas / 0'), act).error).toMatch(/divide by zero/);
    expect(evaluate(program("object.spec.replicas > '1'"), act).error).toMatch(/no matching overload/);
  });

  it('evaluates composition variables lazily (an unused failing variable does not fail the expression)', () => {
    const defs = [
      { name: 'names', program: program('object.spec.template.spec.containers.map(c, c.name)', []) },
      { name: 'count', program: program('variables.names.size()', ['names']) },
      { name: 'broken', program: program('object.nope', ['names', 'count']) },
    ];
    const act = new CelActivation({ object: deployment }).withCompositionVariables(defs);
    expect(evaluate(program('variables.count == 2', ['names', 'count', 'broken']), act)).toEqual({ value: true });
    expect(evaluate(program('variables.broken', ['names', 'count', 'broken']), act).error).toMatch(/composited variable "broken" fails to evaluate: no such key: nope/);
  });
});

describe('CEL compilation errors', () => {
  const cases: [string, RegExp][] = [
    ['object.spec.replicas >', /^compilation failed: ERROR: <input>:1:22: Syntax error: .*\n \| object.spec.replicas >\n \| \.{21}\^$/],
    ['foo.bar > 1', /^compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' \(in container ''\)/],
    ["object.metadata.name.frobnicate()", /undeclared reference to 'frobnicate'/],
    ['[1].all(x, x > y)', /undeclared reference to 'y'/],
    ['variables.nope', /undefined field 'nope'/],
  ];
  it.each(cases)('%s', (expr, want) => {
    const r = compile(expr, { variables: vars, compositionVariables: ['known'] });
    expect(r.error?.message).toMatch(want);
  });

  it('accepts comprehension variables and declared composition variables', () => {
    expect(compile('object.items.map(i, i.name).exists(n, n == variables.known)', { variables: vars, compositionVariables: ['known'] }).error).toBeUndefined();
  });

  it('refuses over-long expressions', () => {
    expect(compile('true && '.repeat(1000) + 'true', { variables: [] }).error?.message).toMatch(/maximum length/);
  });
});
