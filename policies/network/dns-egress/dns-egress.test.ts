import { describe, expect, it } from "vitest";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import { find, world } from "../test-support.js";
import { dnsEgress } from "./dns-egress.js";

describeFixtures(dnsEgress, import.meta.dirname);

const kubeSystemPolicy = (ingress: unknown[]): Record<string, any> => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "kube-dns", namespace: "kube-system" },
  spec: { podSelector: { matchLabels: { "k8s-app": "kube-dns" } }, policyTypes: ["Ingress"], ingress },
});

describe("when kube-system isolates kube-dns", () => {
  it("should report pods whose queries kube-dns does not admit, blaming kube-system", async () => {
    const tree = world((objects) => [...objects, kubeSystemPolicy([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }] }])]);
    const findings = await dnsEgress.check(tree);
    expect(findings).toHaveLength(2);
    expect(findings[0]?.problem).toContain("NetworkPolicy kube-system/kube-dns in kube-system isolates kube-dns's ingress");
  });

  it("should accept pods once kube-dns admits DNS from every namespace", () => {
    const tree = world((objects) => [...objects, kubeSystemPolicy([{ from: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] }])]);
    expect(dnsEgress.check(tree)).toEqual([]);
  });
});

describe("when a pod's egress is not isolated at all", () => {
  it("should find it can reach DNS", () => {
    const tree = world((objects) => {
      find(objects, "NetworkPolicy", "default-deny").spec.policyTypes = ["Ingress"];
      return objects.filter((o) => o["metadata"].name !== "allow-dns" && o["metadata"].name !== "allow-kades-api");
    });
    expect(dnsEgress.check(tree)).toEqual([]);
  });
});

describe("when the committed prod tree is judged", () => {
  it("should find every pod can resolve names", () => {
    expect(dnsEgress.check(committedCluster("prod"))).toEqual([]);
  });

  it("should name the rule for every KADES workload once the KADES DNS policy is deleted", async () => {
    const tree = injected("prod", "/kades/networkpolicy-allow-dns.yaml", () => []);
    const resources = (await runAll(tree)).filter((d) => d.rule === "network/dns-egress").map((d) => d.resource);
    expect(resources).toEqual(["CronJob/db-backup", "Deployment/chain-analysis", "Deployment/kades-api", "Job/db-migration", "StatefulSet/redis", "StatefulSet/timescaledb"]);
  });
});
