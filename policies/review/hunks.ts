// Line hunks between two texts, in the unified format reviewers know from
// `git diff`: Myers' shortest edit script, then runs of changes with `context`
// unchanged lines around them.

type Edit = { readonly op: " " | "-" | "+"; readonly line: string };

/** The shortest edit script turning `a` into `b` (Myers 1986, linear in memory per step, O((N+M)·D) time). */
export function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from the end to recover the edits.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (vd[offset + k - 1] as number) < (vd[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (vd[offset + prevK] as number);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY && x > 0 && y > 0) {
      edits.push({ op: " ", line: a[x - 1] as string });
      x--;
      y--;
    }
    if (d === 0) break;
    if (down) edits.push({ op: "+", line: b[y - 1] as string });
    else edits.push({ op: "-", line: a[x - 1] as string });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    edits.push({ op: " ", line: a[x - 1] as string });
    x--;
    y--;
  }
  return edits.reverse();
}

function lines(text: string): string[] {
  if (text === "") return [];
  const out = text.split("\n");
  if (out.at(-1) === "") out.pop();
  return out;
}

/**
 * `@@ -l,s +l,s @@` hunks of the change from `before` to `after`, each with up
 * to `context` unchanged lines around its changes; "" when the texts are equal.
 */
export function unifiedHunks(before: string, after: string, context = 3): string {
  const edits = editScript(lines(before), lines(after));
  const changed = edits.map((e, i) => (e.op !== " " ? i : -1)).filter((i) => i >= 0);
  if (changed.length === 0) return "";
  // Group changes whose gaps are short enough to share context.
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups.at(-1);
    if (last && i - last[1] <= 2 * context + 1) last[1] = i;
    else groups.push([i, i]);
  }
  const out: string[] = [];
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(edits.length - 1, last + context);
    let oldLine = 1;
    let newLine = 1;
    for (let i = 0; i < start; i++) {
      const op = (edits[i] as Edit).op;
      if (op !== "+") oldLine++;
      if (op !== "-") newLine++;
    }
    const slice = edits.slice(start, end + 1);
    const oldCount = slice.filter((e) => e.op !== "+").length;
    const newCount = slice.filter((e) => e.op !== "-").length;
    const range = (line: number, count: number): string => `${count === 0 ? line - 1 : line},${count}`;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`);
    for (const e of slice) out.push(`${e.op}${e.line}`);
  }
  return out.join("\n") + "\n";
}
