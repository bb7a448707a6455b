// One table, every label matcher: @kubets/api's matchesLabels (the reference) and the compiled forms built on it
// (api's compileRequirements, @kubets/client's compileLabelSelector, this package's compileLabelSelector /
// compileNodeSelectorTerm). They must agree exactly.
import { compileRequirements, labelSelectorFromObject, matchesLabels, parseLabelSelector, type LabelSelector } from '@kubets/api';
import { compileLabelSelector as clientCompile } from '@kubets/client';
import type { Node } from '../types';
import { compileLabelSelector, compileMapSelector, compileNodeSelectorTerm } from './labels';

type L = Record<string, string> | undefined;
const labelSets: L[] = [undefined, {}, { app: 'web' }, { app: 'db' }, { app: 'web', tier: 'fe' }, { app: '' }, { tier: 'be' }, { n: '5' }, { n: '10' }, { n: '-3' }, { n: 'x' }, { constructor: 'c' }];

interface Case {
  name: string;
  /** string form (labels.Parse) */
  str?: string;
  /** metav1.LabelSelector form (null: a null selector) */
  obj?: LabelSelector | null;
  /** NodeSelectorRequirement form (for Gt/Lt and the node affinity path) */
  node?: { key: string; operator: string; values?: string[] };
}

const cases: Case[] = [
  { name: 'empty selector matches everything', str: '', obj: {} },
  { name: 'null selector matches nothing', obj: null },
  { name: 'equals', str: 'app=web', obj: { matchLabels: { app: 'web' } } },
  { name: 'double equals', str: 'app==web' },
  { name: 'equals empty value', str: 'app=', obj: { matchLabels: { app: '' } } },
  { name: 'not equals', str: 'app!=web' },
  { name: 'two requirements', str: 'app=web,tier=fe', obj: { matchLabels: { app: 'web', tier: 'fe' } } },
  { name: 'In', str: 'app in (web,db)', obj: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] }, node: { key: 'app', operator: 'In', values: ['web', 'db'] } },
  { name: 'NotIn', str: 'app notin (web)', obj: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, node: { key: 'app', operator: 'NotIn', values: ['web'] } },
  { name: 'Exists', str: 'tier', obj: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, node: { key: 'tier', operator: 'Exists' } },
  { name: 'DoesNotExist', str: '!tier', obj: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, node: { key: 'tier', operator: 'DoesNotExist' } },
  { name: 'Exists on an Object.prototype name', str: 'constructor', obj: { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, node: { key: 'constructor', operator: 'Exists' } },
  { name: 'DoesNotExist on an Object.prototype name', str: '!constructor', node: { key: 'constructor', operator: 'DoesNotExist' } },
  { name: 'Gt', str: 'n>4', node: { key: 'n', operator: 'Gt', values: ['4'] } },
  { name: 'Lt', str: 'n<0', node: { key: 'n', operator: 'Lt', values: ['0'] } },
  { name: 'matchLabels and matchExpressions', str: 'app=web,tier in (fe)', obj: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] } },
];

const node = (labels: L): Node => ({ metadata: { name: 'n1', ...(labels ? { labels } : {}) } }) as unknown as Node;

describe('label selector semantics agree across api, client and scheduler', () => {
  for (const c of cases) {
    it(c.name, () => {
      if (c.str !== undefined) {
        const reqs = parseLabelSelector(c.str);
        const compiled = compileRequirements(reqs);
        const client = clientCompile(c.str);
        for (const l of labelSets) {
          const want = matchesLabels(reqs, l);
          expect([c.str, l, compiled(l)]).toEqual([c.str, l, want]);
          expect([c.str, l, client(l)]).toEqual([c.str, l, want]);
        }
      }
      if (c.obj !== undefined) {
        const reqs = labelSelectorFromObject(c.obj);
        const compiled = compileRequirements(reqs);
        const sched = compileLabelSelector(c.obj);
        const client = c.obj === null ? undefined : clientCompile(c.obj);
        for (const l of labelSets) {
          const want = matchesLabels(reqs, l);
          expect([c.obj, l, compiled(l)]).toEqual([c.obj, l, want]);
          expect([c.obj, l, sched(l)]).toEqual([c.obj, l, want]);
          if (client) expect([c.obj, l, client(l)]).toEqual([c.obj, l, want]);
          // the string form (when given) means the same as the object form
          if (c.str !== undefined) expect([c.obj, l, matchesLabels(parseLabelSelector(c.str), l)]).toEqual([c.obj, l, want]);
        }
      }
      if (c.node && c.str !== undefined) {
        const term = compileNodeSelectorTerm({ matchExpressions: [c.node] });
        const reqs = parseLabelSelector(c.str);
        for (const l of labelSets) expect([c.node, l, term(node(l))]).toEqual([c.node, l, matchesLabels(reqs, l)]);
      }
    });
  }

  it('undefined (no selector) matches everything in the client, nothing in the scheduler (nil LabelSelector)', () => {
    expect(clientCompile(undefined)({ a: 'b' })).toBe(true);
    expect(compileLabelSelector(undefined)({ a: 'b' })).toBe(false);
  });

  it('invalid selectors: the client throws badRequest, the scheduler matches nothing', () => {
    expect(() => clientCompile('a in ()')).toThrow();
    expect(() => clientCompile({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toThrow();
    expect(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })({ a: 'x' })).toBe(false);
    expect(compileNodeSelectorTerm({ matchExpressions: [{ key: 'n', operator: 'Gt', values: ['x'] }] })(node({ n: '5' }))).toBe(false);
  });

  it('map selectors: empty selects nothing, otherwise equality on every key', () => {
    expect(compileMapSelector({})({ a: 'b' })).toBe(false);
    expect(compileMapSelector({ a: 'b' })({ a: 'b', c: 'd' })).toBe(true);
    expect(compileMapSelector({ a: 'b' })({ a: 'c' })).toBe(false);
    expect(compileMapSelector({ a: 'b' })(undefined)).toBe(false);
  });
});
