import type { ByTier, RenderContext } from "./types.js";

/** Picks the value for the context's tier, falling back to `default`. */
export function byTier<T>(ctx: RenderContext, values: ByTier<T>): T {
  return values[ctx.tier] ?? values.default;
}
