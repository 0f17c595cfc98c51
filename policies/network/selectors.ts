// Kubernetes label selectors: matchLabels and matchExpressions (In, NotIn,
// Exists, DoesNotExist), ANDed; an empty selector matches everything.

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Labels | null;
  readonly matchExpressions?: readonly LabelSelectorRequirement[] | null;
}

const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"];

/** What is wrong with a selector, as the API server would reject it; [] when valid. */
export function selectorProblems(selector: LabelSelector | undefined | null, path: string): { path: string; problem: string }[] {
  const out: { path: string; problem: string }[] = [];
  for (const [i, r] of (selector?.matchExpressions ?? []).entries()) {
    const at = `${path}.matchExpressions[${i}]`;
    if (!OPERATORS.includes(r.operator)) {
      out.push({ path: `${at}.operator`, problem: `is "${r.operator}", not one of ${OPERATORS.join(", ")}` });
    } else if ((r.operator === "In" || r.operator === "NotIn") && (r.values ?? []).length === 0) {
      out.push({ path: `${at}.values`, problem: `is empty, but operator ${r.operator} needs at least one value` });
    } else if ((r.operator === "Exists" || r.operator === "DoesNotExist") && (r.values ?? []).length > 0) {
      out.push({ path: `${at}.values`, problem: `must be empty for operator ${r.operator}` });
    }
  }
  return out;
}

/** Whether `labels` satisfy the selector. */
export function matches(selector: LabelSelector | undefined | null, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const r of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    const values = r.values ?? [];
    switch (r.operator) {
      case "In":
        if (!has || !values.includes(value as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(value as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        // An unknown operator is rejected by the API server; it selects nothing here.
        return false;
    }
  }
  return true;
}

interface KeyConstraint {
  exists: boolean;
  absent: boolean;
  /** Values the key may take; undefined for any. */
  allowed: Set<string> | undefined;
  forbidden: Set<string>;
}

/**
 * Whether some label set satisfies the selector while `key` holds a value
 * outside `excluded`: used for objects whose labels are unknown, such as the
 * namespaces outside the rendered tree (whose `kubernetes.io/metadata.name`
 * is none of the known names).
 */
export function satisfiable(selector: LabelSelector | undefined | null, required?: { key: string; excluded: readonly string[] }): boolean {
  const keys = new Map<string, KeyConstraint>();
  const at = (key: string): KeyConstraint => {
    let c = keys.get(key);
    if (!c) {
      c = { exists: false, absent: false, allowed: undefined, forbidden: new Set() };
      keys.set(key, c);
    }
    return c;
  };
  const allow = (c: KeyConstraint, values: readonly string[]): void => {
    c.exists = true;
    c.allowed = new Set(c.allowed ? values.filter((v) => c.allowed?.has(v)) : values);
  };
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) allow(at(key), [value]);
  for (const r of selector?.matchExpressions ?? []) {
    const c = at(r.key);
    if (r.operator === "In") allow(c, r.values ?? []);
    else if (r.operator === "NotIn") for (const v of r.values ?? []) c.forbidden.add(v);
    else if (r.operator === "Exists") c.exists = true;
    else if (r.operator === "DoesNotExist") c.absent = true;
    else return false;
  }
  if (required) {
    const c = at(required.key);
    c.exists = true;
    for (const v of required.excluded) c.forbidden.add(v);
  }
  for (const c of keys.values()) {
    if (c.exists && c.absent) return false;
    if (c.allowed && [...c.allowed].every((v) => c.forbidden.has(v))) return false;
  }
  return true;
}

/** `app.kubernetes.io/name=kades-api`, or `any labels` for the empty selector. */
export function describeSelector(selector: LabelSelector | undefined | null): string {
  const parts = [
    ...Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector?.matchExpressions ?? []).map((r) =>
      r.operator === "Exists" ? r.key : r.operator === "DoesNotExist" ? `!${r.key}` : `${r.key} ${r.operator.toLowerCase() === "in" ? "in" : "notin"} (${(r.values ?? []).join(", ")})`,
    ),
  ];
  return parts.length === 0 ? "any labels" : parts.join(", ");
}

/** `app.kubernetes.io/name=kades-api, app.kubernetes.io/part-of=kades` */
export function describeLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? "no labels" : entries.map(([k, v]) => `${k}=${v}`).join(", ");
}
