// The last scheduling cycle's diagnosis per pod: why each node was rejected and how the top nodes scored.
// Served by the scheduler's HTTP server at /debug/explain/<ns>/<name>; bounded (oldest entries dropped).

export interface NodeRejection {
  plugin: string;
  code: string;
  reasons: readonly string[];
}

export interface NodeScoreExplanation {
  node: string;
  total: number;
  /** plugin → weighted score */
  plugins: Record<string, number>;
  /** plugin → weight */
  weights?: Record<string, number>;
}

export interface Explanation {
  namespace: string;
  name: string;
  uid?: string;
  profile: string;
  time: string;
  attempts: number;
  result: 'scheduled' | 'unschedulable' | 'error' | 'binding';
  message?: string;
  nodeName?: string;
  nominatedNodeName?: string;
  numAllNodes: number;
  evaluatedNodes: number;
  feasibleNodes: number;
  /** node → why it was filtered out (at most MAX_FILTERED_NODES entries; see filteredOmitted) */
  filtered: Record<string, NodeRejection>;
  /** how many filtered nodes were left out of `filtered` */
  filteredOmitted?: number;
  /** "<plugin>: <reason>" → number of nodes, over all filtered nodes */
  reasonCounts?: Record<string, number>;
  /** the best-scored nodes, highest first */
  scores: NodeScoreExplanation[];
  preFilterMessage?: string;
  postFilterMessage?: string;
}

export class ExplainStore {
  private readonly entries = new Map<string, Explanation>();
  constructor(private readonly limit = 2000) {}

  record(e: Explanation): void {
    const key = `${e.namespace}/${e.name}`;
    this.entries.delete(key);
    this.entries.set(key, e);
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
  update(namespace: string, name: string, patch: Partial<Explanation>): void {
    const e = this.entries.get(`${namespace}/${name}`);
    if (e) Object.assign(e, patch);
  }
  get(namespace: string, name: string): Explanation | undefined {
    return this.entries.get(`${namespace}/${name}`);
  }
  delete(namespace: string, name: string): void {
    this.entries.delete(`${namespace}/${name}`);
  }
  get size(): number {
    return this.entries.size;
  }
}
