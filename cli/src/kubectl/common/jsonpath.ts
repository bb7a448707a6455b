// kubectl's JSONPath templates (-o jsonpath=…, custom-columns): text with {expressions}; expressions are paths
// (.a.b, ['k'], [0], [-1], [*], [1:3], ..name, .*, [?(@.k=="v")]), string literals ("\n"), and
// {range EXPR}…{end}. Missing keys print nothing (--allow-missing-template-keys=true).
type J = Record<string, unknown>;

type Node = { kind: 'text'; text: string } | { kind: 'expr'; expr: string } | { kind: 'range'; expr: string; body: Node[] };

function lex(template: string): Array<{ text?: string; expr?: string }> {
  const out: Array<{ text?: string; expr?: string }> = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      out.push({ text: template.slice(i) });
      break;
    }
    if (open > i) out.push({ text: template.slice(i, open) });
    let depth = 0;
    let j = open;
    let quote = '';
    for (; j < template.length; j++) {
      const c = template[j]!;
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    if (j >= template.length) throw new Error(`error parsing jsonpath ${template}, unclosed action`);
    out.push({ expr: template.slice(open + 1, j).trim() });
    i = j + 1;
  }
  return out;
}

export function parseTemplate(template: string): Node[] {
  const tokens = lex(template);
  let pos = 0;
  const block = (inRange: boolean): Node[] => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos++]!;
      if (t.text !== undefined) nodes.push({ kind: 'text', text: t.text });
      else if (t.expr === 'end') {
        if (!inRange) throw new Error('error parsing jsonpath: not in range, nothing to end');
        return nodes;
      } else if (t.expr!.startsWith('range ')) nodes.push({ kind: 'range', expr: t.expr!.slice(6).trim(), body: block(true) });
      else nodes.push({ kind: 'expr', expr: t.expr! });
    }
    if (inRange) throw new Error('error parsing jsonpath: unclosed range');
    return nodes;
  };
  return block(false);
}

function unquote(s: string): string {
  const body = s.slice(1, -1);
  return body.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.values(v as J);
  return [];
}

function descend(v: unknown, name: string, out: unknown[]): void {
  if (v && typeof v === 'object') {
    if (!Array.isArray(v) && name in (v as J)) out.push((v as J)[name]);
    for (const c of children(v)) descend(c, name, out);
  }
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b || String(a) === String(b);
    case '!=':
      return !(a === b || String(a) === String(b));
    case '<':
      return Number(a) < Number(b);
    case '>':
      return Number(a) > Number(b);
    case '<=':
      return Number(a) <= Number(b);
    case '>=':
      return Number(a) >= Number(b);
  }
  return false;
}

function literal(s: string): unknown {
  const t = s.trim();
  if (/^(["']).*\1$/.test(t)) return unquote(t);
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

/** Evaluates a path expression from `cur` (relative) or `root` ($). */
export function evaluate(expr: string, cur: unknown, root: unknown): unknown[] {
  let s = expr.trim();
  if (/^(["']).*\1$/.test(s)) return [unquote(s)];
  let vals: unknown[];
  if (s.startsWith('$')) {
    vals = [root];
    s = s.slice(1);
  } else if (s.startsWith('@')) {
    vals = [cur];
    s = s.slice(1);
  } else vals = [cur];
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      const m = /^[\w-]+/.exec(s.slice(i + 2));
      const name = m ? m[0] : '';
      i += 2 + name.length;
      const out: unknown[] = [];
      for (const v of vals) descend(v, name, out);
      vals = out;
    } else if (s[i] === '.') {
      const m = /^(\*|[\w-]+)/.exec(s.slice(i + 1));
      if (!m) {
        i++;
        continue;
      }
      i += 1 + m[0].length;
      vals = m[0] === '*' ? vals.flatMap(children) : vals.flatMap((v) => (v && typeof v === 'object' && !Array.isArray(v) && m[0] in (v as J) ? [(v as J)[m[0]]] : []));
    } else if (s[i] === '[') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '[' || s[j] === '(') depth++;
        else if ((s[j] === ']' || s[j] === ')') && --depth === 0 && s[j] === ']') break;
      }
      const inner = s.slice(i + 1, j).trim();
      i = j + 1;
      if (inner === '*') vals = vals.flatMap(children);
      else if (/^(["']).*\1$/.test(inner)) {
        const k = unquote(inner);
        vals = vals.flatMap((v) => (v && typeof v === 'object' && !Array.isArray(v) && k in (v as J) ? [(v as J)[k]] : []));
      } else if (inner.startsWith('?(')) {
        const cond = inner.slice(2, -1).trim();
        const m = /^(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(cond);
        vals = vals.flatMap(children).filter((item) => {
          if (!m) return evaluate(cond, item, root).length > 0;
          const left = evaluate(m[1]!, item, root)[0];
          return left !== undefined && compare(left, m[2]!, literal(m[3]!));
        });
      } else if (inner.includes(':')) {
        const [a, b] = inner.split(':').map((x) => (x.trim() === '' ? undefined : Number(x)));
        vals = vals.flatMap((v) => (Array.isArray(v) ? v.slice(a ?? 0, b ?? v.length) : []));
      } else {
        const n = Number(inner);
        vals = vals.flatMap((v) => {
          if (!Array.isArray(v)) return [];
          const idx = n < 0 ? v.length + n : n;
          return idx >= 0 && idx < v.length ? [v[idx]] : [];
        });
      }
    } else throw new Error(`error parsing jsonpath {${expr}}, unrecognized character in action: U+${s.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')} '${s[i]}'`);
  }
  return vals;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function exec(nodes: Node[], cur: unknown, root: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'expr') out += evaluate(n.expr, cur, root).map(formatValue).join(' ');
    else for (const item of evaluate(n.expr, cur, root).flatMap((v) => (Array.isArray(v) ? v : [v]))) out += exec(n.body, item, root);
  }
  return out;
}

/** Renders a kubectl JSONPath template (the outer braces optional, as kubectl adds them when missing). */
export function renderJsonPath(template: string, data: unknown): string {
  const t = template.includes('{') ? template : `{${template}}`;
  return exec(parseTemplate(t), data, data);
}

/** custom-columns=NAME:.path,…: one row per object, multiple values joined with ",", "<none>" when missing. */
export function customColumns(spec: string, objs: unknown[]): string[][] {
  const cols = spec.split(',').map((c) => {
    const i = c.indexOf(':');
    if (i < 0) throw new Error(`unexpected custom-columns spec: ${c}, expected <header>:<json-path-expr>`);
    const path = c.slice(i + 1).trim().replace(/^\{(.*)\}$/, '$1');
    return { header: c.slice(0, i), path: path.startsWith('.') || path.startsWith('$') ? path : `.${path}` };
  });
  const rows = objs.map((o) =>
    cols.map((c) => {
      const vals = evaluate(c.path, o, o).flatMap((v) => (Array.isArray(v) ? v : [v]));
      return vals.length ? vals.map(formatValue).join(',') : '<none>';
    }),
  );
  return [cols.map((c) => c.header), ...rows];
}
