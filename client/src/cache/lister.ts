// Listers: read-only views over an informer's Indexer.
// Objects are the cached instances, typed ReadOnly<T>: do not mutate them (clone with structuredClone first).
import type { KubeObject, ReadOnly, LabelSelector } from '@kubets/api';
import { type Indexer, IndexNamespace } from './store';
import { compileLabelSelector, type LabelMatcher } from '../util/selector';

export type SelectorInput = string | LabelSelector | LabelMatcher | undefined;

function matcher(sel: SelectorInput): LabelMatcher {
  if (typeof sel === 'function') return sel;
  return compileLabelSelector(sel);
}

export class Lister<T extends KubeObject> {
  constructor(private readonly indexer: Indexer<T>) {}

  /** All cached objects whose labels match (everything when selector is empty). */
  list(selector?: SelectorInput): ReadOnly<T>[] {
    const m = matcher(selector);
    const out: ReadOnly<T>[] = [];
    for (const o of this.indexer.values()) if (m(o.metadata.labels)) out.push(o as ReadOnly<T>);
    return out;
  }

  /** By key: "ns/name" for namespaced objects, "name" for cluster-scoped ones. */
  get(key: string): ReadOnly<T> | undefined {
    return this.indexer.get(key) as ReadOnly<T> | undefined;
  }

  byIndex(indexName: string, value: string): ReadOnly<T>[] {
    return this.indexer.byIndex(indexName, value) as ReadOnly<T>[];
  }

  namespace(ns: string): NamespaceLister<T> {
    return new NamespaceLister<T>(this.indexer, ns);
  }
}

export class NamespaceLister<T extends KubeObject> {
  constructor(
    private readonly indexer: Indexer<T>,
    readonly ns: string,
  ) {}
  list(selector?: SelectorInput): ReadOnly<T>[] {
    const m = matcher(selector);
    return this.indexer.byIndex(IndexNamespace, this.ns).filter((o) => m(o.metadata.labels)) as ReadOnly<T>[];
  }
  get(name: string): ReadOnly<T> | undefined {
    return this.indexer.get(`${this.ns}/${name}`) as ReadOnly<T> | undefined;
  }
}
