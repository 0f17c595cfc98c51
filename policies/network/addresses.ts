// IPv4 and IPv6 address sets as inclusive bigint intervals, so ipBlocks
// (`cidr` minus `except`) and declared networks compare exactly, not by
// sampling a few addresses.

export type Family = 4 | 6;

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/** One contiguous run of addresses of one family. */
export interface AddressRange {
  readonly family: Family;
  readonly lo: bigint;
  readonly hi: bigint;
}

function maxOf(family: Family): bigint {
  return (1n << BigInt(BITS[family])) - 1n;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const items = s.split(":");
    for (const [i, item] of items.entries()) {
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseIPv4(item);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 or IPv6 address. */
export function parseAddress(text: string): { family: Family; value: bigint } | undefined {
  if (text.includes(":")) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/** Parses `10.0.0.0/8` or `2001:db8::/32` (host bits are masked off, as the API server's parser does). */
export function parseCidr(text: string): AddressRange | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const address = parseAddress(match[1] as string);
  const prefix = Number(match[2]);
  if (!address || prefix > BITS[address.family]) return undefined;
  const hostBits = BigInt(BITS[address.family] - prefix);
  const lo = (address.value >> hostBits) << hostBits;
  return { family: address.family, lo, hi: lo + (1n << hostBits) - 1n };
}

export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/** The largest CIDR blocks that exactly cover a range. */
function cidrCover(range: AddressRange): string[] {
  const out: string[] = [];
  const bits = BITS[range.family];
  let lo = range.lo;
  while (lo <= range.hi) {
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const block = 1n << BigInt(next);
      if (lo % block !== 0n || lo + block - 1n > range.hi) break;
      size = next;
    }
    out.push(`${formatAddress(range.family, lo)}/${bits - size}`);
    lo += 1n << BigInt(size);
  }
  return out;
}

/** An immutable set of addresses of both families. */
export class AddressSet {
  private constructor(private readonly ranges: readonly AddressRange[]) {}

  static readonly EMPTY = new AddressSet([]);

  /** Every IPv4 and IPv6 address: a peer list that admits anything. */
  static everything(): AddressSet {
    return new AddressSet([
      { family: 4, lo: 0n, hi: maxOf(4) },
      { family: 6, lo: 0n, hi: maxOf(6) },
    ]);
  }

  static of(ranges: readonly AddressRange[]): AddressSet {
    return ranges.reduce((set, r) => set.union(new AddressSet([r])), AddressSet.EMPTY);
  }

  /** CIDRs as given; throws on one that does not parse (callers validate first). */
  static ofCidrs(cidrs: readonly string[]): AddressSet {
    return AddressSet.of(
      cidrs.map((c) => {
        const range = parseCidr(c);
        if (!range) throw new Error(`"${c}" is not a CIDR (e.g. 10.0.0.0/8 or 2001:db8::/32)`);
        return range;
      }),
    );
  }

  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  list(): readonly AddressRange[] {
    return this.ranges;
  }

  contains(family: Family, value: bigint): boolean {
    return this.ranges.some((r) => r.family === family && r.lo <= value && value <= r.hi);
  }

  union(other: AddressSet): AddressSet {
    return this.combine(other, (a, b) => a || b);
  }

  intersect(other: AddressSet): AddressSet {
    return this.combine(other, (a, b) => a && b);
  }

  minus(other: AddressSet): AddressSet {
    return this.combine(other, (a, b) => a && !b);
  }

  equals(other: AddressSet): boolean {
    return this.minus(other).isEmpty() && other.minus(this).isEmpty();
  }

  /** The set as CIDR blocks, ascending (IPv4 first). */
  cidrs(): string[] {
    return this.ranges.flatMap(cidrCover);
  }

  /**
   * `10.0.0.0/8, 10.1.0.0/16`; a family wholly in the set reads `every IPv4
   * address`, or `every IPv4 address except 203.0.113.0/24` when what it
   * leaves out is shorter to say.
   */
  describe(limit = 4): string {
    if (this.isEmpty()) return "no address";
    const parts: string[] = [];
    for (const family of [4, 6] as const) {
      const whole = new AddressSet([{ family, lo: 0n, hi: maxOf(family) }]);
      const mine = this.intersect(whole);
      if (mine.isEmpty()) continue;
      const name = family === 4 ? "IPv4" : "IPv6";
      const blocks = mine.cidrs();
      const missing = whole.minus(mine).cidrs();
      if (missing.length === 0) parts.push(`every ${name} address`);
      else if (missing.length < blocks.length && missing.length <= limit) parts.push(`every ${name} address except ${missing.join(", ")}`);
      else parts.push(blocks.length <= limit ? blocks.join(", ") : `${blocks.slice(0, limit).join(", ")} and ${blocks.length - limit} more CIDR blocks`);
    }
    return parts.join(" and ");
  }

  /** One address in the set, for examples: a documentation address when the set has one. */
  example(): string | undefined {
    for (const text of ["198.51.100.7", "203.0.113.7", "192.0.2.7", "2001:db8::7"]) {
      const a = parseAddress(text);
      if (a && this.contains(a.family, a.value)) return text;
    }
    const first = this.ranges[0];
    return first ? formatAddress(first.family, first.lo) : undefined;
  }

  private combine(other: AddressSet, keep: (a: boolean, b: boolean) => boolean): AddressSet {
    const out: AddressRange[] = [];
    for (const family of [4, 6] as const) {
      const mine = this.ranges.filter((r) => r.family === family);
      const theirs = other.ranges.filter((r) => r.family === family);
      const cuts = new Set<bigint>();
      for (const r of [...mine, ...theirs]) {
        cuts.add(r.lo);
        cuts.add(r.hi + 1n);
      }
      const points = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const inside = (rs: readonly AddressRange[], p: bigint): boolean => rs.some((r) => r.lo <= p && p <= r.hi);
      for (let i = 0; i + 1 < points.length; i++) {
        const lo = points[i] as bigint;
        const hi = (points[i + 1] as bigint) - 1n;
        if (!keep(inside(mine, lo), inside(theirs, lo))) continue;
        const last = out.at(-1);
        if (last && last.family === family && last.hi + 1n === lo) out[out.length - 1] = { family, lo: last.lo, hi };
        else out.push({ family, lo, hi });
      }
    }
    return new AddressSet(out);
  }
}

/**
 * Splits the whole address space of both families at every boundary of the
 * given sets: within one piece, every address is treated alike by every set,
 * so one evaluation per piece decides for all its addresses.
 */
export function atoms(sets: readonly AddressSet[]): AddressRange[] {
  const out: AddressRange[] = [];
  for (const family of [4, 6] as const) {
    const cuts = new Set<bigint>([0n, maxOf(family) + 1n]);
    for (const set of sets) {
      for (const r of set.list()) {
        if (r.family !== family) continue;
        cuts.add(r.lo);
        cuts.add(r.hi + 1n);
      }
    }
    const points = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (let i = 0; i + 1 < points.length; i++) out.push({ family, lo: points[i] as bigint, hi: (points[i + 1] as bigint) - 1n });
  }
  return out;
}
