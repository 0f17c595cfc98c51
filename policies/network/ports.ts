// Sets of (protocol, port) as sorted, disjoint, inclusive intervals per
// protocol: what a NetworkPolicy rule admits, what a spec declares, and the
// difference between the two.

export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

type Interval = readonly [number, number];

/** An immutable set of ports per protocol. */
export class PortSet {
  private constructor(private readonly byProtocol: ReadonlyMap<Protocol, readonly Interval[]>) {}

  static readonly EMPTY = new PortSet(new Map());

  /** Every port of every protocol: a rule without `ports`. */
  static all(): PortSet {
    return new PortSet(new Map(PROTOCOLS.map((p) => [p, [[MIN_PORT, MAX_PORT]] as const])));
  }

  /** Every port of one protocol: a port entry without `port`. */
  static allOf(protocol: Protocol): PortSet {
    return PortSet.range(protocol, MIN_PORT, MAX_PORT);
  }

  static of(protocol: Protocol, port: number): PortSet {
    return PortSet.range(protocol, port, port);
  }

  /** `port` to `endPort`, inclusive; empty when the range is reversed or outside 1-65535. */
  static range(protocol: Protocol, from: number, to: number): PortSet {
    const lo = Math.max(from, MIN_PORT);
    const hi = Math.min(to, MAX_PORT);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi) return PortSet.EMPTY;
    return new PortSet(new Map([[protocol, [[lo, hi]]]]));
  }

  isEmpty(): boolean {
    return this.byProtocol.size === 0;
  }

  has(protocol: Protocol, port: number): boolean {
    return (this.byProtocol.get(protocol) ?? []).some(([lo, hi]) => lo <= port && port <= hi);
  }

  union(other: PortSet): PortSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return this.combine(other, (a, b) => a || b);
  }

  intersect(other: PortSet): PortSet {
    if (this.isEmpty() || other.isEmpty()) return PortSet.EMPTY;
    return this.combine(other, (a, b) => a && b);
  }

  minus(other: PortSet): PortSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    return this.combine(other, (a, b) => a && !b);
  }

  equals(other: PortSet): boolean {
    return this.minus(other).isEmpty() && other.minus(this).isEmpty();
  }

  /** The intervals of one protocol, ascending. */
  intervals(protocol: Protocol): readonly Interval[] {
    return this.byProtocol.get(protocol) ?? [];
  }

  /** `TCP 5432`, `TCP 8000, 8080 and UDP 53`, `every TCP port except 8000`, `every port`. */
  describe(): string {
    if (this.isEmpty()) return "no port";
    if (this.equals(PortSet.all())) return "every port";
    const parts = PROTOCOLS.filter((p) => this.byProtocol.has(p)).map((p) => describeProtocol(p, this.intervals(p)));
    return parts.length <= 1 ? (parts[0] as string) : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  }

  private combine(other: PortSet, keep: (inThis: boolean, inOther: boolean) => boolean): PortSet {
    const out = new Map<Protocol, Interval[]>();
    for (const protocol of PROTOCOLS) {
      const merged = combineIntervals(this.intervals(protocol), other.intervals(protocol), keep);
      if (merged.length > 0) out.set(protocol, merged);
    }
    return new PortSet(out);
  }
}

function describeProtocol(protocol: Protocol, intervals: readonly Interval[]): string {
  const list = (xs: readonly Interval[]): string => xs.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(", ");
  const size = intervals.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
  if (size === MAX_PORT - MIN_PORT + 1) return `every ${protocol} port`;
  const missing = combineIntervals([[MIN_PORT, MAX_PORT]], intervals, (a, b) => a && !b);
  // A wide opening reads better as what it leaves out.
  if (size > 1000 && missing.length <= 3) return `every ${protocol} port except ${list(missing)}`;
  return `${protocol} ${list(intervals)}`;
}

/** Sweeps the boundaries of both interval lists and keeps the stretches `keep` says. */
function combineIntervals(a: readonly Interval[], b: readonly Interval[], keep: (x: boolean, y: boolean) => boolean): Interval[] {
  const cuts = new Set<number>();
  for (const [lo, hi] of [...a, ...b]) {
    cuts.add(lo);
    cuts.add(hi + 1);
  }
  const points = [...cuts].sort((x, y) => x - y);
  const inside = (xs: readonly Interval[], p: number): boolean => xs.some(([lo, hi]) => lo <= p && p <= hi);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i] as number;
    const hi = (points[i + 1] as number) - 1;
    if (!keep(inside(a, lo), inside(b, lo))) continue;
    const last = out.at(-1);
    if (last && last[1] + 1 === lo) last[1] = hi;
    else out.push([lo, hi]);
  }
  return out;
}
