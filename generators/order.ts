/**
 * Compares strings by UTF-16 code units. Unlike `localeCompare()`, the result
 * does not depend on the machine's locale, so sorted output is the same
 * everywhere.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts `[key, value]` entries by key, deterministically. */
export function byKey<T>(a: readonly [string, T], b: readonly [string, T]): number {
  return byCodeUnit(a[0], b[0]);
}
