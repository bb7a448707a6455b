// slowStartBatch (controller_utils): run `count` calls in batches of 1, 2, 4, … (starting at initialBatchSize),
// all calls of a batch in parallel; stop at the first batch with an error. A failing API (quota, admission)
// therefore costs a handful of calls instead of `count`.
export interface SlowStartResult {
  successes: number;
  error?: unknown;
}

export async function slowStartBatch(count: number, initialBatchSize: number, fn: (i: number) => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  let index = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(index++)));
    let firstErr: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else if (firstErr === undefined) firstErr = r.reason ?? new Error('failed');
    }
    if (firstErr !== undefined) return { successes, error: firstErr };
    remaining -= batch;
  }
  return { successes };
}

/** Kubernetes' SlowStartInitialBatchSize. */
export const SlowStartInitialBatchSize = 1;
