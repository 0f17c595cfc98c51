import { describe, expect, it } from "vitest";
import { committedCluster, describeFixtures, injected, runAll } from "../../lib/testing.js";
import { analyse } from "../analysis.js";
import { defaultDeny } from "../default-deny/default-deny.js";
import { find, intentWithout, world, worldIntent } from "../test-support.js";
import { undeclaredFlowFindings, undeclaredFlows } from "./undeclared-flows.js";

describeFixtures(undeclaredFlows, import.meta.dirname);

describe("when every allowed flow is declared", () => {
  it("should find nothing", () => {
    expect(undeclaredFlowFindings(world(), worldIntent())).toEqual([]);
  });
});

describe.each([
  ["Prometheus to the API", /^Prometheus/, "prometheus reaches a non-metrics port", "spec.ingress[2].from[0]", "TCP 8000"],
  ["the ingress controller to the API", /^the ingress controller/, "ingress controller reaches an unexposed port", "spec.ingress[0].from[0]", "TCP 8000, 8080"],
  ["the load balancer sources to the API", /load-balancer-sources/, "pod reachable from undeclared addresses", "spec.ingress[1].from[0]", "TCP 8000, 8080"],
  ["the API to the database", /-> kades\/timescaledb/, "datastore reachable from an undeclared client", "spec.ingress[0].from[0]", "TCP 5432"],
])("when %s is allowed but not declared", (_, dropped, summary, path, ports) => {
  const findings = undeclaredFlowFindings(world(), intentWithout(dropped));

  it("should report it with its own summary, at the admitting peer, with the ports", () => {
    expect(findings.map((f) => [f.summary, f.path])).toEqual([[summary, path]]);
    expect(findings[0]?.problem).toContain(`on ${ports}, but`);
  });
});

describe("when a flow reaches a port the declared flows do not cover", () => {
  it("should say which ports are declared", () => {
    const tree = world((objects) => {
      delete find(objects, "NetworkPolicy", "allow-kades-api").spec.ingress[2].ports;
    });
    const [finding] = undeclaredFlowFindings(tree, worldIntent());
    expect(finding?.problem).toBe(
      "lets Prometheus (namespace monitoring, app.kubernetes.io/name=prometheus) reach pod kades/kades-api (app.kubernetes.io/name=kades-api) " +
        "on every TCP port except 8000, every UDP port and every SCTP port, but only TCP 8000 is declared from Prometheus to kades/kades-api",
    );
  });
});

describe("when a rule admits a flow that the other side blocks", () => {
  it("should find no flow: the database admits every kades pod, but their egress is isolated", () => {
    const tree = world((objects) => {
      find(objects, "NetworkPolicy", "allow-timescaledb").spec.ingress[0].from = [{ podSelector: {} }];
    });
    expect(undeclaredFlowFindings(tree, worldIntent())).toEqual([]);
  });

  it("should find the flow once that egress is open too", () => {
    const tree = world((objects) => {
      find(objects, "NetworkPolicy", "allow-timescaledb").spec.ingress[0].from = [{ podSelector: {} }];
      find(objects, "NetworkPolicy", "allow-timescaledb").spec.ingress[0].from = [{ namespaceSelector: {} }];
    });
    expect(undeclaredFlowFindings(tree, worldIntent()).map((f) => f.summary)).toContain("datastore reachable from an undeclared client");
  });
});

describe("when no intent is known", () => {
  const open = world((objects) => objects.filter((o) => o["kind"] !== "NetworkPolicy"));

  it("should compare nothing (a directory no fleet cluster is named after)", () => {
    expect(undeclaredFlows.check(open)).toEqual([]);
  });

  it("should still leave the structural rules to judge it", () => {
    expect(defaultDeny.check(open)).not.toEqual([]);
  });
});

describe("when pods have no policy at all", () => {
  it("should report each pod's open directions once, not every flow", () => {
    const tree = world((objects) => objects.filter((o) => o["kind"] !== "NetworkPolicy"));
    const findings = undeclaredFlowFindings(tree, worldIntent());
    expect(findings.map((f) => [f.summary, f.document?.object.metadata.name])).toEqual([
      ["pod ingress is not restricted", "kades-api"],
      ["pod egress is not restricted", "kades-api"],
      ["pod ingress is not restricted", "timescaledb"],
      ["pod egress is not restricted", "timescaledb"],
    ]);
  });
});

describe("when the committed prod tree is judged", () => {
  const prod = committedCluster("prod");

  it("should find no undeclared flow", () => {
    expect(undeclaredFlows.check(prod)).toEqual([]);
  });

  it("should find exactly the KADES flows the guide describes between KADES pods", () => {
    const a = analyse(prod);
    const kades = a.model.pods.filter((e) => e.origin === "rendered" && e.namespace === "kades");
    const flows = kades.flatMap((from) => kades.flatMap((to) => {
      const ports = a.flow(from, to).ports;
      return ports.isEmpty() ? [] : [`${from.component} -> ${to.component} ${ports.describe()}`];
    }));
    // Written from the KADES guide: the API and workers use the database and the cache,
    // backups and migrations the database; the stores replicate among themselves.
    expect(flows.sort()).toEqual([
      "chain-analysis -> redis TCP 6379",
      "chain-analysis -> timescaledb TCP 5432",
      "db-backup -> timescaledb TCP 5432",
      "db-migration -> timescaledb TCP 5432",
      "kades-api -> redis TCP 6379",
      "kades-api -> timescaledb TCP 5432",
      "redis -> redis TCP 6379",
      "timescaledb -> timescaledb TCP 5432",
    ]);
  });

  it("should name the rule once MongoDB admits every namespace", async () => {
    const tree = injected("prod", "/iot-telemetry/networkpolicy-allow-mongodb.yaml", (o) => {
      o["spec"].ingress[0].from.push({ namespaceSelector: {} });
      return o as never;
    });
    const diagnostics = (await runAll(tree)).filter((d) => d.rule === "network/undeclared-flows");
    expect(diagnostics.map((d) => [d.summary, d.resource, d.path])).toEqual(
      expect.arrayContaining([["datastore reachable from an undeclared client", "NetworkPolicy/allow-mongodb", "spec.ingress[0].from[3]"]]),
    );
  });
});
