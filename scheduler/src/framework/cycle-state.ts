// Per-cycle scratch space shared by one profile's plugins (PreFilter computes, Filter reads).
// Values that preemption mutates (AddPod/RemovePod) implement clone().

export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** plugins whose PreFilter returned Skip: their Filter is not run */
  skipFilterPlugins = new Set<string>();
  /** plugins whose PreScore returned Skip: their Score is not run */
  skipScorePlugins = new Set<string>();

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }
  delete(key: string): void {
    this.data.delete(key);
  }
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    c.skipFilterPlugins = new Set(this.skipFilterPlugins);
    c.skipScorePlugins = new Set(this.skipScorePlugins);
    return c;
  }
}

/** Immutable data may be shared between clones. */
export class Frozen<T> implements StateData {
  constructor(readonly value: T) {}
  clone(): this {
    return this;
  }
}
