// Where a field is in a YAML file: the line and column of `spec.template.spec.
// containers[0].image` in the document of a given Kind/name, or of its
// deepest ancestor that exists (a field that "is not set" points at its
// parent). What annotations and SARIF results need to point at the field.
import { readFileSync } from "node:fs";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";

export interface Position {
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
}

/** `a.b[0]["x.y"]` → ["a", "b", 0, "x.y"]; undefined when the path is not of that form. */
export function pathSegments(path: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  const re = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    const m = re.exec(path);
    if (!m || (m[1] !== undefined && at > 0 && path[at] !== ".")) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3] as string) as string);
    at = re.lastIndex;
  }
  return out;
}

/** Parsed files, reused while one report is located. */
export class Locator {
  private readonly files = new Map<string, { text: string; counter: LineCounter; documents: ReturnType<typeof parseAllDocuments> } | undefined>();

  constructor(private readonly read: (file: string) => string = (file) => readFileSync(file, "utf8")) {}

  private parsed(file: string) {
    if (!this.files.has(file)) {
      try {
        const text = this.read(file);
        const counter = new LineCounter();
        const documents = parseAllDocuments(text, { lineCounter: counter, version: "1.1" });
        this.files.set(file, { text, counter, documents: Array.isArray(documents) ? documents : [documents] });
      } catch {
        this.files.set(file, undefined);
      }
    }
    return this.files.get(file);
  }

  /**
   * The position of `path` in the document of `file` whose kind and name match
   * (the first document when none is given); line 1 when the file cannot be
   * read or holds no such document.
   */
  locate(file: string, path: string, kind?: string, name?: string): Position {
    const parsed = this.parsed(file);
    const start: Position = { line: 1, column: 1 };
    if (!parsed) return start;
    const document = parsed.documents.find((d) => {
      if (kind === undefined) return true;
      const o = d.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      return o?.kind === kind && (name === undefined || o?.metadata?.name === name);
    });
    if (!document?.contents) return start;
    const at = (offset: number): Position => {
      const { line, col } = parsed.counter.linePos(offset);
      return { line, column: col };
    };
    let node: Node = document.contents as Node;
    let position = at(node.range?.[0] ?? 0);
    for (const segment of pathSegments(path) ?? []) {
      if (isMap(node) && typeof segment === "string") {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
        if (!pair) break;
        position = at((pair.key as Node).range?.[0] ?? 0);
        if (!pair.value) break;
        node = pair.value as Node;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        position = at(item.range?.[0] ?? 0);
        node = item;
      } else {
        break;
      }
    }
    return position;
  }
}
