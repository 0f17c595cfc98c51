// Kubernetes resource quantities, read from rendered YAML: the full grammar of
// k8s.io/apimachinery's resource.Quantity (signs, `.5`, binary and decimal SI
// suffixes, `e`/`E` exponents), held exactly as a bigint count of nano-units
// (the finest precision Kubernetes keeps; it rounds anything finer up). CPU
// compares in nano-cores, memory and storage in nano-bytes, so sums of
// thousands of pods never lose a byte to floating point.

const NANO = 1_000_000_000n;

const BINARY: Readonly<Record<string, bigint>> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

// <sign><digits>[.<digits>] then a binary suffix, an exponent, or a decimal suffix.
const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?[0-9]+)|(n|u|m|k|M|G|T|P|E)?)$/;

/** What a quantity may look like, for diagnostics. */
export const QUANTITY_FORMS = 'a number with an optional suffix m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent, e.g. "500m", "2", "4Gi"';

/** A value that is not a Kubernetes quantity; the message says what would be valid. */
export class QuantityError extends Error {}

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** Divides, rounding up (towards +infinity), as Kubernetes rounds sub-nano precision. */
function divCeil(numerator: bigint, denominator: bigint): bigint {
  const q = numerator / denominator;
  return numerator % denominator !== 0n && numerator > 0n ? q + 1n : q;
}

/**
 * Parses a quantity as YAML gives it (a string, or a number for an unquoted
 * `2` or `0.5`) to nano-units: "500m" -> 500_000_000n, "1Gi" -> 2**30 * 1e9.
 */
export function parseQuantity(value: unknown): bigint {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string") throw new QuantityError(`${JSON.stringify(value)} is not a Kubernetes quantity (write a string such as "500m", "2" or "4Gi")`);
  const match = QUANTITY.exec(text);
  if (!match) throw new QuantityError(`"${text}" is not a Kubernetes quantity (${QUANTITY_FORMS})`);
  const [, sign = "", number = "", binary, exponent, decimal = ""] = match;
  const [whole = "", fraction = ""] = number.split(".");
  const digits = BigInt(`${whole}${fraction}` || "0");
  const scale = fraction.length;
  let nanos: bigint;
  if (binary !== undefined) {
    nanos = divCeil(digits * (BINARY[binary] as bigint) * NANO, pow10(scale));
  } else {
    const power = (exponent !== undefined ? Number(exponent) : (DECIMAL[decimal] as number)) + 9 - scale;
    if (!Number.isSafeInteger(power) || power > 4000) throw new QuantityError(`"${text}" is out of range for a Kubernetes quantity`);
    nanos = power >= 0 ? digits * pow10(power) : divCeil(digits, pow10(-power));
  }
  return sign === "-" ? -nanos : nanos;
}

/** True when `value` parses as a quantity. */
export function isQuantity(value: unknown): boolean {
  try {
    parseQuantity(value);
    return true;
  } catch {
    return false;
  }
}


function decimalString(nanos: bigint, unit: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const whole = abs / unit;
  const rest = abs % unit;
  const digits = String(unit).length - 1;
  const fraction = rest === 0n ? "" : `.${String(rest).padStart(digits, "0").replace(/0+$/, "")}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** CPU as people write it: "2" for whole cores, "500m" for millicores, finer as a decimal. */
export function formatCpu(nanos: bigint): string {
  if (nanos % NANO === 0n) return String(nanos / NANO);
  if (nanos % 1_000_000n === 0n) return `${nanos / 1_000_000n}m`;
  return decimalString(nanos, NANO);
}

/** Bytes with the largest binary suffix that divides them exactly ("64Gi", "1280Mi"), else a decimal one, else plain bytes. */
export function formatBytes(nanos: bigint): string {
  if (nanos % NANO !== 0n) return decimalString(nanos, NANO);
  const value = nanos / NANO;
  if (value === 0n) return "0";
  for (const suffix of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"] as const) {
    const factor = BINARY[suffix] as bigint;
    if (value % factor === 0n) return `${value / factor}${suffix}`;
  }
  for (const [suffix, power] of [["E", 18], ["P", 15], ["T", 12], ["G", 9], ["M", 6], ["k", 3]] as const) {
    const factor = pow10(power);
    if (value % factor === 0n) return `${value / factor}${suffix}`;
  }
  return String(value);
}

/** A count (pods, claims): "50". */
export function formatCount(nanos: bigint): string {
  return decimalString(nanos, NANO);
}

/** One nano-unit count per whole unit: `units(3)` is 3 pods or 3 claims. */
export function units(n: number | bigint): bigint {
  return BigInt(n) * NANO;
}
