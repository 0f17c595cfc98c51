/**
 * Test support: run the real kubeconform against schemas converted from small
 * inputs, or against the built cache, on documents written to a temp directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { KUBERNETES_VERSION } from "../../generators/fleet/versions.js";
import { runKubeconform, type KubeconformResult } from "./kubeconform.js";
import { schemaFileName, schemaVersionDir, type GeneratedSchema } from "./schemas.js";
import { requireSetup } from "./validation.js";

/** A fresh temp directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Validates each document (one file each; a string is written as is) with kubeconform; results in document order. */
async function validateDocuments(schemaDir: string, documents: readonly unknown[], workDir: string): Promise<KubeconformResult[]> {
  const files = documents.map((doc, i) => {
    const file = join(workDir, "docs", `doc-${String(i).padStart(3, "0")}.yaml`);
    mkdirSync(dirname(file), { recursive: true });
    // JSON, which YAML 1.1 (kubeconform's reader) cannot misread: unquoted `Off` or `y` would be booleans there.
    writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
    return file;
  });
  const { results } = await runKubeconform(files, { schemaDir, kubernetesVersion: KUBERNETES_VERSION, binary: requireSetup().binary });
  return files.map((file) => {
    const result = results.find((r) => r.filename === file);
    if (!result) throw new Error(`kubeconform reported nothing for ${file}`);
    return result;
  });
}

/** The real kubeconform, against schemas converted from a small input. */
export async function validateAgainst(schemas: readonly GeneratedSchema[], documents: readonly unknown[]): Promise<KubeconformResult[]> {
  const { dir, remove } = tempDir("schema-unit");
  try {
    for (const s of schemas) {
      const file = join(dir, schemaVersionDir(KUBERNETES_VERSION), schemaFileName(s.apiVersion, s.kind));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(s.schema));
    }
    return await validateDocuments(dir, documents, dir);
  } finally {
    remove();
  }
}

/** The real kubeconform, against the built schema cache (`npm run setup`). */
export async function validateAgainstCache(documents: readonly unknown[]): Promise<KubeconformResult[]> {
  const { dir, remove } = tempDir("schema-cache");
  try {
    return await validateDocuments(requireSetup().schemaDir, documents, dir);
  } finally {
    remove();
  }
}
