/**
 * Renovate's regex custom manager as .github/renovate.json configures it,
 * applied here the way Renovate applies it: which files it reads and which
 * pins (datasource, depName, currentValue, line) it finds in them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const RENOVATE_CONFIG = ".github/renovate.json";

export interface Pin {
  readonly file: string;
  /** 1-based line of the value. */
  readonly line: number;
  readonly datasource: string;
  readonly depName: string;
  readonly currentValue: string;
}

interface CustomManager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
}

export interface RegexManager {
  readonly files: readonly RegExp[];
  readonly matchers: readonly RegExp[];
}

/** The regex custom managers of a Renovate configuration. */
export function regexManagers(config: { customManagers?: CustomManager[] }): RegexManager[] {
  return (config.customManagers ?? [])
    .filter((m) => m.customType === "regex")
    .map((m) => ({
      // Renovate writes a regex file pattern between slashes; anything else is a glob, which this repository does not use.
      files: m.managerFilePatterns.map((p) => {
        if (!/^\/.*\/$/.test(p)) throw new Error(`${RENOVATE_CONFIG}: managerFilePatterns entry ${p} is not a /regex/`);
        return new RegExp(p.slice(1, -1));
      }),
      matchers: m.matchStrings.map((s) => new RegExp(s, "gd")),
    }));
}

/** The pins a manager finds in one file's text. */
export function extractPins(manager: RegexManager, file: string, text: string): Pin[] {
  const pins: Pin[] = [];
  for (const matcher of manager.matchers) {
    for (const m of text.matchAll(matcher)) {
      const groups = m.groups ?? {};
      const at = m.indices?.groups?.["currentValue"]?.[0] ?? m.index;
      pins.push({
        file,
        line: text.slice(0, at).split("\n").length,
        datasource: groups["datasource"] ?? "",
        depName: groups["depName"] ?? "",
        currentValue: groups["currentValue"] ?? "",
      });
    }
  }
  return pins;
}

function filesBelow(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.name === "node_modules" || e.name.startsWith(".")) return [];
    return e.isDirectory() ? filesBelow(root, path) : [relative(root, join(root, path)).split(sep).join("/")];
  });
}

/** Every pin the configuration's regex managers find in the repository at `root`. */
export function repositoryPins(root: string): Pin[] {
  const config = JSON.parse(readFileSync(join(root, RENOVATE_CONFIG), "utf8")) as { customManagers?: CustomManager[] };
  const managers = regexManagers(config);
  const files = ["apps", "generators", "scripts", "test"].flatMap((d) => filesBelow(root, d));
  return managers.flatMap((m) => files.filter((f) => m.files.some((p) => p.test(f))).flatMap((f) => extractPins(m, f, readFileSync(join(root, f), "utf8"))));
}

/** Version literals of a source file (`"1.35.4"`, `"v3.6.1"`, `"7.4.2-alpine"`), with their lines. */
export function versionLiterals(text: string): { line: number; value: string }[] {
  return [...text.matchAll(/"(v?\d+\.\d+(?:\.\d+)?(?:[-+][\w.-]+)?)"/g)].map((m) => ({ line: text.slice(0, m.index).split("\n").length, value: m[1] as string }));
}

/** Version literals of a file that no pin covers: each needs a `renovate:` comment on the line above. */
export function uncoveredVersions(manager: RegexManager, file: string, text: string): { line: number; value: string }[] {
  const covered = new Set(extractPins(manager, file, text).map((p) => p.line));
  return versionLiterals(text).filter((v) => !covered.has(v.line));
}
