// Kubernetes resource quantities (the subset the fleet uses: decimal and binary
// SI suffixes, plain numbers, millis). Parsed to exact integers: CPU in
// millicores, everything else in bytes or units.

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DECIMAL: Readonly<Record<string, number>> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;

/** True when `value` is a quantity this fleet accepts, e.g. "500m", "2", "1.5", "4Gi". */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** Parses to base units times 1000 (milli-units), so "500m" -> 500 and "2" -> 2000. */
function toMilli(value: string): number {
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`"${value}" is not a Kubernetes quantity`);
  const [, digits, suffix = ""] = match;
  const number = Number(digits);
  if (suffix === "m") return Math.round(number);
  const factor = BINARY[suffix] ?? DECIMAL[suffix] ?? 1;
  return Math.round(number * factor * 1000);
}

/** CPU in millicores. */
export function cpuMillis(value: string): number {
  return toMilli(value);
}

/** Memory or storage in bytes. */
export function bytes(value: string): number {
  return Math.round(toMilli(value) / 1000);
}

/** Formats millicores the way people write them: "2" for whole cores, "500m" otherwise. */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Formats bytes with the largest binary suffix that divides them exactly. */
export function formatBytes(value: number): string {
  for (const suffix of ["Ti", "Gi", "Mi", "Ki"] as const) {
    const factor = BINARY[suffix] as number;
    if (value % factor === 0 && value >= factor) return `${value / factor}${suffix}`;
  }
  return String(value);
}

/** Rounds up to a multiple of `step`. */
export function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}
