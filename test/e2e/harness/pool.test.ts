import { describe, expect, it } from "vitest";
import { runPooled } from "./pool.js";

/** Runs items that each take `ms`, recording how many ran at once overall and per key. */
async function trace(items: readonly { key: string; ms: number; value: number }[], jobs: number) {
  let running = 0;
  let most = 0;
  const perKey = new Map<string, number>();
  let mostPerKey = 0;
  const order: number[] = [];
  const results = await runPooled(items, jobs, (i) => i.key, async (item) => {
    running++;
    perKey.set(item.key, (perKey.get(item.key) ?? 0) + 1);
    most = Math.max(most, running);
    mostPerKey = Math.max(mostPerKey, perKey.get(item.key) ?? 0);
    await new Promise((r) => setTimeout(r, item.ms));
    order.push(item.value);
    running--;
    perKey.set(item.key, (perKey.get(item.key) ?? 1) - 1);
    return item.value * 10;
  });
  return { results, most, mostPerKey, order };
}

describe("when running clusters a few at a time", () => {
  it("should run up to `jobs` at once and give results in the items' order", async () => {
    // dev outlasts the other two by far more than a pause of a busy machine (or a garbage collection) lasts.
    const t = await trace([{ key: "dev", ms: 300, value: 1 }, { key: "staging", ms: 5, value: 2 }, { key: "prod", ms: 5, value: 3 }], 2);
    expect(t.results).toEqual([10, 20, 30]);
    expect(t.most).toBe(2);
    expect(t.order).toEqual([2, 3, 1]);
  });

  it("should never run two items of one key at once, even with room for more", async () => {
    const t = await trace([{ key: "prod", ms: 10, value: 1 }, { key: "prod", ms: 10, value: 2 }, { key: "edge", ms: 5, value: 3 }], 3);
    expect(t.mostPerKey).toBe(1);
    expect(t.results).toEqual([10, 20, 30]);
  });

  it("should run one at a time with one job, and refuse a job count that is not a whole number from 1", async () => {
    expect((await trace([{ key: "a", ms: 1, value: 1 }, { key: "b", ms: 1, value: 2 }], 1)).most).toBe(1);
    await expect(runPooled([1], 0, String, async (x) => x)).rejects.toThrow(/jobs must be a whole number from 1, not 0/);
  });
});
