// The allowed flows of a namespace as a Mermaid flowchart, new flows drawn
// thick and red: what a reviewer sees of reachability without reading policies.
import type { NewFlow } from "./flows.js";

/** Mermaid's label escaping: quotes and angle brackets as entity codes inside a quoted label. */
function label(text: string): string {
  return `"${text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;")}"`;
}

/** More edges than a reader can follow (and than GitHub's renderer takes gladly) are left out with a note. */
export const MAX_EDGES = 150;

/**
 * A flowchart of the flows with an end in `namespace`: one node per end, one
 * edge per flow labelled with its ports; new ports make the edge thick and red.
 */
export function namespaceGraph(namespace: string, flows: readonly NewFlow[]): { mermaid: string; edges: number; added: number; omitted: number } {
  const mine = flows.filter((f) => f.from.namespace === namespace || f.to.namespace === namespace);
  // New flows first, so a cut never drops them.
  const ordered = [...mine.filter((f) => !f.added.isEmpty()), ...mine.filter((f) => f.added.isEmpty())];
  const shown = ordered.slice(0, MAX_EDGES);
  const ids = new Map<string, string>();
  const node = (key: string): string => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(key, id);
    }
    return id;
  };
  const lines = ["flowchart LR"];
  const names = new Map<string, string>();
  const edges: string[] = [];
  const styles: string[] = [];
  shown.forEach((f, i) => {
    const [from, to] = [node(f.from.key), node(f.to.key)];
    names.set(from, f.from.name);
    names.set(to, f.to.name);
    if (f.added.isEmpty()) {
      edges.push(`  ${from} -->|${label(f.ports.describe())}| ${to}`);
    } else {
      edges.push(`  ${from} ==>|${label(`new: ${f.added.describe()}`)}| ${to}`);
      styles.push(`  linkStyle ${i} stroke:#d73a49,stroke-width:3px`);
    }
  });
  for (const [id, name] of names) lines.push(`  ${id}[${label(name)}]`);
  lines.push(...edges, ...styles);
  return { mermaid: lines.join("\n"), edges: shown.length, added: mine.filter((f) => !f.added.isEmpty()).length, omitted: mine.length - shown.length };
}
