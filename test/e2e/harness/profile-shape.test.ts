// The kwok cluster is shaped by the profile: nodes, StorageClasses and ports
// come from generators/fleet/clusters.ts, not from the test.
import { describe, expect, it } from "vitest";
import { CLUSTERS, edge, kind, prod } from "../../../generators/fleet/clusters.js";
import { provisionerFor, provisionerStage, storageClasses } from "./kwok.js";
import { POOL_LABEL, profileNodes } from "./nodes.js";
import { firstPort, portsFor } from "./ports.js";

describe("when shaping kwok nodes like a profile's node pools", () => {
  it("should make count nodes per pool with the pool's size, labels, taints and architecture", () => {
    const nodes = profileNodes(prod);
    const analytics = nodes.filter((n) => n.metadata?.labels?.[POOL_LABEL] === "analytics");
    expect(nodes).toHaveLength(prod.nodePools.reduce((n, p) => n + p.count, 0));
    const pool = prod.nodePools.find((p) => p.name === "analytics");
    expect(analytics).toHaveLength(pool?.count ?? -1);
    const node = analytics[0] as { metadata: { labels: Record<string, string> }; spec: { taints: unknown[] }; status: { allocatable: Record<string, string> } };
    expect(node.metadata.labels).toMatchObject({ ...pool?.selector, "kubernetes.io/arch": pool?.arch });
    expect(node.spec.taints).toEqual(pool?.taints);
    expect(node.status.allocatable).toMatchObject({ cpu: pool?.cpu, memory: pool?.memory });
  });

  it("should give edge nodes the arm64 architecture and the edge taint", () => {
    const [node] = profileNodes(edge) as { metadata: { labels: Record<string, string> }; spec: { taints: { key: string }[] } }[];
    expect(node?.metadata.labels["kubernetes.io/arch"]).toBe("arm64");
    expect(node?.spec.taints.map((t) => t.key)).toEqual(["edge-node"]);
  });
});

describe("when creating the profile's StorageClasses", () => {
  it("should use exactly the binding mode the profile states for each class", () => {
    const classes = storageClasses(prod) as { metadata: { name: string }; volumeBindingMode: string; provisioner: string }[];
    expect(classes.map((c) => [c.metadata.name, c.volumeBindingMode])).toEqual(Object.entries(prod.storageClassBinding).sort());
    for (const c of classes) expect(c.provisioner).toBe(provisionerFor(c.volumeBindingMode as "Immediate", "network"));
  });

  it("should pin volumes to a node only for classes the profile does not list as network-attached", () => {
    const [local] = storageClasses(kind) as { provisioner: string }[];
    expect(local?.provisioner).toBe(provisionerFor("WaitForFirstConsumer", "node-local"));
    expect(JSON.stringify(provisionerStage())).toContain(`(list \\"${provisionerFor("Immediate", "node-local")}\\" \\"${provisionerFor("WaitForFirstConsumer", "node-local")}\\")`);
  });

  it("should refuse a class the profile gives no binding mode", () => {
    expect(() => storageClasses({ ...kind, storageClassBinding: {} })).toThrow(/storage class standard has no binding mode; add it to storageClassBinding/);
  });

  it("should provision only what a real provisioner would, and leave binding to the PV controller", () => {
    const stage = JSON.stringify(provisionerStage());
    expect(stage).toContain("volume.kubernetes.io/selected-node");
    expect(stage).not.toContain("subresource");
    expect(stage).not.toContain("phase: Bound");
  });
});

describe("when giving each profile its ports", () => {
  it("should give every profile distinct ports below the ephemeral range", () => {
    const all = CLUSTERS.flatMap((c) => [0, 1, 2].flatMap((i) => Object.values(portsFor(c.name, i as 0 | 1 | 2))));
    expect(new Set(all).size).toBe(all.length);
    expect(Math.max(...all)).toBeLessThan(32768);
    expect(() => portsFor("nope")).toThrow(/no cluster profile named nope/);
  });

  it("should move every port set to FLEET_E2E_PORT_BASE, and refuse a base whose sets would reach the ephemeral range", () => {
    expect(firstPort({})).toBe(21000);
    expect(firstPort({ FLEET_E2E_PORT_BASE: "24000" })).toBe(24000);
    // Three port sets (the e2e and its two catalogues) of 50 ports per profile.
    const span = 3 * CLUSTERS.length * 50;
    expect(firstPort({ FLEET_E2E_PORT_BASE: String(32768 - span) })).toBe(32768 - span);
    expect(() => firstPort({ FLEET_E2E_PORT_BASE: String(32769 - span) })).toThrow(/FLEET_E2E_PORT_BASE=\d+ is not a usable first port.*set an integer from 1024 to/);
    expect(() => firstPort({ FLEET_E2E_PORT_BASE: "80" })).toThrow(/not a usable first port/);
    expect(() => firstPort({ FLEET_E2E_PORT_BASE: "2e4x" })).toThrow(/not a usable first port/);
  });
});
