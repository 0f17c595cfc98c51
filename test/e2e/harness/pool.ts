/**
 * Runs work items at most `jobs` at once, never two with the same key at
 * once (two copies of one cluster profile share its ports and state folder),
 * and gives the results in the items' order.
 */
export async function runPooled<T, R>(items: readonly T[], jobs: number, key: (item: T) => string, run: (item: T) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a whole number from 1, not ${jobs}`);
  const results: R[] = new Array<R>(items.length);
  const pending = items.map((_, i) => i);
  const busy = new Set<string>();
  let waiting: (() => void)[] = [];
  const worker = async (): Promise<void> => {
    for (;;) {
      const at = pending.findIndex((i) => !busy.has(key(items[i] as T)));
      if (at < 0) {
        if (pending.length === 0) return;
        // Every pending item's key is busy: wait for one to finish.
        await new Promise<void>((wake) => waiting.push(wake));
        continue;
      }
      const [i] = pending.splice(at, 1) as [number];
      const item = items[i] as T;
      busy.add(key(item));
      try {
        results[i] = await run(item);
      } finally {
        busy.delete(key(item));
        const woken = waiting;
        waiting = [];
        for (const wake of woken) wake();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}
