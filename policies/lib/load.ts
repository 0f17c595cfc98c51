import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { parseAllDocuments } from "yaml";
import { CLUSTERS } from "../../generators/fleet/clusters.js";
import { byCodeUnit } from "../../generators/order.js";
import type { ClusterTree, KubeObject, RenderedDocument } from "./types.js";

/** A directory is one cluster when it holds one of these; otherwise each subdirectory is a cluster. */
const CLUSTER_MARKERS = ["apps", "bootstrap", "platform", "argocd"];

/** Raised for input the policies cannot judge at all: a missing directory, unparsable YAML, an object without kind. */
export class LoadError extends Error {}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return (rel === "" || rel.startsWith("..") ? path : rel).split(sep).join("/");
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Parses one file of rendered YAML (YAML 1.1, as the API server's decoder reads it). */
export function parseDocuments(file: string, text: string): RenderedDocument[] {
  const documents: RenderedDocument[] = [];
  parseAllDocuments(text, { version: "1.1" }).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new LoadError(`${file}: document ${index} is not valid YAML: ${doc.errors[0]?.message}; fix the file or regenerate it with \`npm run generate\``);
    }
    const object: unknown = doc.toJS();
    if (object === null || object === undefined) return;
    const o = object as Partial<KubeObject>;
    if (typeof o !== "object" || typeof o.kind !== "string" || typeof o.apiVersion !== "string" || typeof o.metadata?.name !== "string") {
      throw new LoadError(`${file}: document ${index} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
    }
    documents.push({ file, index, object: o as KubeObject });
  });
  return documents;
}

/** Loads one cluster directory. */
export function loadCluster(dir: string): ClusterTree {
  const name = basename(dir);
  const documents = yamlFiles(dir).flatMap((path) => parseDocuments(displayPath(path), readFileSync(path, "utf8")));
  return { name, root: displayPath(dir), documents, profile: CLUSTERS.find((c) => c.name === name) };
}

/** Resolves each argument to cluster directories: a cluster itself, or a directory of clusters. */
export function loadClusters(dirs: readonly string[]): ClusterTree[] {
  const clusters: ClusterTree[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new LoadError(`${dir}: no such directory; give a cluster directory (clusters/prod) or a directory of clusters (clusters)`);
    }
    if (CLUSTER_MARKERS.some((m) => existsSync(join(dir, m)))) {
      clusters.push(loadCluster(dir));
      continue;
    }
    const subdirs = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort(byCodeUnit);
    if (subdirs.length === 0) throw new LoadError(`${dir}: holds no cluster directories (a cluster directory contains ${CLUSTER_MARKERS.join("/, ")}/)`);
    clusters.push(...subdirs.map((s) => loadCluster(join(dir, s))));
  }
  return clusters;
}

/** A cluster made of the given documents: how fixtures are judged. */
export function clusterOf(name: string, documents: readonly RenderedDocument[], root = name): ClusterTree {
  return { name, root, documents, profile: CLUSTERS.find((c) => c.name === name) };
}
