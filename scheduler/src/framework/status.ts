// The closed set of plugin result codes and the Status a plugin returns. `null` means Success on the hot
// paths (like Go's nil *Status) so filtering 5,000 nodes allocates nothing for nodes that fit.

export enum Code {
  Success = 0,
  /** an internal error: the pod is retried with backoff, no preemption */
  Error = 1,
  /** the pod does not fit; preemption might help */
  Unschedulable = 2,
  /** the pod does not fit and preemption on this node cannot help */
  UnschedulableAndUnresolvable = 3,
  /** Permit: the pod waits */
  Wait = 4,
  /** PreFilter/PreScore: the plugin has nothing to do for this pod, skip its Filter/Score */
  Skip = 5,
  /** the pod waits for something outside the scheduler (e.g. a gate); not counted as a failure */
  Pending = 6,
}

export const codeNames: Record<Code, string> = {
  [Code.Success]: 'Success',
  [Code.Error]: 'Error',
  [Code.Unschedulable]: 'Unschedulable',
  [Code.UnschedulableAndUnresolvable]: 'UnschedulableAndUnresolvable',
  [Code.Wait]: 'Wait',
  [Code.Skip]: 'Skip',
  [Code.Pending]: 'Pending',
};

export class Status {
  plugin = '';
  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    readonly err?: unknown,
  ) {}

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }
  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }
  static error(err: unknown): Status {
    const msg = err instanceof Error ? err.message : String(err);
    return new Status(Code.Error, [msg], err);
  }
  static skip(): Status {
    return new Status(Code.Skip);
  }
  static pending(...reasons: string[]): Status {
    return new Status(Code.Pending, reasons);
  }
  static wait(): Status {
    return new Status(Code.Wait);
  }

  withPlugin(name: string): this {
    this.plugin = name;
    return this;
  }
  message(): string {
    return this.reasons.join(', ');
  }
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable || this.code === Code.Pending;
  }
  toJSON(): { code: string; reasons: readonly string[]; plugin?: string } {
    return { code: codeNames[this.code], reasons: this.reasons, ...(this.plugin ? { plugin: this.plugin } : {}) };
  }
}

/** Success is `null` (or a Status with Code.Success). */
export type Result = Status | null;

export function isSuccess(s: Result | undefined): boolean {
  return !s || s.code === Code.Success;
}
export function codeOf(s: Result | undefined): Code {
  return s ? s.code : Code.Success;
}
