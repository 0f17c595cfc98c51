// The review on the committed fleet with changes made the way a pull request
// would make them: each object edited in its rendered file.
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalYaml, sourceHeader } from "../../generators/output/yaml.js";
import { readTree } from "../../generators/output/write.js";
import { parseDocuments } from "../lib/load.js";
import { CLUSTERS_DIR } from "../../test/support/committed.js";
import type { RenderedTree } from "./render.js";
import { review, type ClusterReview } from "./review.js";

type Json = Record<string, any>;

/** A copy of the tree with one file's object edited (`undefined` removes the file). */
function edited(tree: RenderedTree, path: string, edit: (object: Json) => Json | undefined): Map<string, string> {
  const text = tree.get(path);
  if (text === undefined) throw new Error(`no rendered file ${path}`);
  const [document] = parseDocuments(path, text);
  const out = new Map(tree);
  const object = edit(structuredClone(document?.object) as Json);
  if (object === undefined) out.delete(path);
  else out.set(path, text.slice(0, text.indexOf("\n") + 1) + canonicalYaml(object));
  return out;
}

function prod(reviews: ClusterReview[]): ClusterReview {
  const found = reviews.find((r) => r.cluster === "prod");
  if (!found) throw new Error(`prod did not change; changed: ${reviews.map((r) => r.cluster).join(", ")}`);
  return found;
}

let base: RenderedTree;
beforeAll(async () => {
  base = await readTree(CLUSTERS_DIR);
});

describe("when a change removes a claim, widens a NetworkPolicy and makes safe edits", () => {
  let changes: ClusterReview["changes"];
  beforeAll(() => {
    let head = edited(base, "prod/apps/kades/configmap-kades-config.yaml", (o) => ({ ...o, data: { ...o["data"], LOG_LEVEL: "debug" } }));
    head = edited(head, "prod/apps/kades/deployment-kades-api.yaml", (o) => {
      o["spec"].template.spec.containers[0].image = "docker.io/kades/api:1.0.1";
      return o;
    });
    head = edited(head, "prod/apps/kades/persistentvolumeclaim-backup-pvc.yaml", () => undefined);
    head = edited(head, "prod/apps/kades/networkpolicy-allow-timescaledb.yaml", (o) => {
      o["spec"].ingress[0].from.push({ namespaceSelector: {} });
      return o;
    });
    changes = prod(review(base, head)).changes;
  });

  it("should list the removed claim first, then the widened policy, then the image, then the rest", () => {
    expect(changes.map((c) => `${c.action} ${c.title}: ${c.risks.map((r) => r.category).join(",")}`)).toEqual([
      "removed PersistentVolumeClaim kades/backup-pvc: data",
      "changed NetworkPolicy kades/allow-timescaledb: reachability",
      "changed Deployment kades/kades-api: version",
      "changed ConfigMap kades/kades-config: ",
    ]);
  });

  it("should say why the claim's removal matters", () => {
    expect(changes[0]?.risks[0]?.why).toBe(
      "removes a claim holding stored data: Argo CD keeps it (Prune=false) but no longer manages it; delete it by hand only once its data is safe",
    );
  });

  it("should list the new flows into the database, from the model's endpoints", () => {
    const risk = changes[1]?.risks[0];
    expect(risk?.why).toMatch(/^widens reachability: \d+ new flow\(s\)$/);
    expect(risk?.details).toEqual(
      expect.arrayContaining([
        "the ingress controller -> kades/timescaledb on TCP 5432",
        "Prometheus -> kades/timescaledb on TCP 5432",
        "pods of any other namespace -> kades/timescaledb on TCP 5432",
      ]),
    );
    // Pods of namespaces whose own egress is denied gain nothing, and no flow gains another port.
    expect(risk?.details.every((d) => d.endsWith("-> kades/timescaledb on TCP 5432"))).toBe(true);
  });

  it("should carry the hunk of each object", () => {
    expect(changes[2]?.hunks).toContain("-          image: docker.io/kades/api:1.0.0\n+          image: docker.io/kades/api:1.0.1\n");
    expect(changes[0]?.hunks).toMatch(/^@@ -1,\d+ \+0,0 @@\n-apiVersion: v1\n-kind: PersistentVolumeClaim\n/);
  });
});

describe("when only the rendering differs, not the objects", () => {
  it("should report nothing for another header, another key order or another file", () => {
    const path = "prod/apps/kades/service-kades-api.yaml";
    const [document] = parseDocuments(path, base.get(path) as string);
    const reversed = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reversed) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)])) : value;
    const head = new Map(base);
    head.delete(path);
    head.set("prod/apps/kades/moved-service.yaml", sourceHeader("somewhere/else", "prod") + JSON.stringify(reversed(document?.object)));
    expect(review(base, head)).toEqual([]);
  });
});

describe("when a change touches permissions, Argo CD wiring, bounds or the prune guard", () => {
  let changes: ClusterReview["changes"];
  beforeAll(() => {
    let head = edited(base, "prod/apps/iot-edge-anomaly/role-iot-edge-anomaly.yaml", (o) => {
      o["rules"].push({ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] });
      return o;
    });
    head = edited(head, "prod/argocd/application-ingress-nginx.yaml", (o) => {
      o["spec"].source.targetRevision = "4.15.0";
      o["spec"].syncPolicy.automated.prune = false;
      return o;
    });
    head = edited(head, "prod/apps/kades/resourcequota-kades-quota.yaml", (o) => {
      o["spec"].hard["requests.cpu"] = "64";
      return o;
    });
    head = edited(head, "prod/apps/kades/statefulset-timescaledb.yaml", (o) => {
      delete o["metadata"].annotations["argocd.argoproj.io/sync-options"];
      return o;
    });
    changes = prod(review(base, head)).changes;
  });

  it("should order them data, RBAC, Argo CD and version, bounds", () => {
    expect(changes.map((c) => [c.title, c.risks.map((r) => r.category)])).toEqual([
      ["StatefulSet kades/timescaledb", ["data"]],
      ["Role iot-edge-anomaly/iot-edge-anomaly", ["rbac"]],
      ["Application argocd/ingress-nginx", ["delivery", "version"]],
      ["ResourceQuota kades/kades-quota", ["bounds"]],
    ]);
  });

  it("should name what each one changes", () => {
    const why = changes.flatMap((c) => c.risks.map((r) => r.why));
    expect(why[0]).toBe("drops the prune guard (Prune=false, Delete=false gone from argocd.argoproj.io/sync-options): Argo CD may now delete it and its data");
    expect(why[1]).toBe("adds RBAC rules: get, list on secrets");
    expect(why[2]).toBe("changes what or how Argo CD syncs: syncPolicy.automated.prune: true -> false");
    expect(why[3]).toMatch(/^chart ingress-nginx \S+ -> 4\.15\.0$/);
    expect(why[4]).toMatch(/^changes the quota: spec\.hard\.requests\.cpu: \S+ -> 64$/);
  });
});
