// cert-manager's HTTP-01 solver runs in each app namespace with an Ingress while
// a certificate is issued: the default deny must let the ingress controller
// reach it, and the quota must have room for it.
import { describe, expect, it } from "vitest";
import { APPS } from "../../apps/index.js";
import { CLUSTERS } from "../../generators/fleet/clusters.js";
import type { ClusterProfile } from "../../generators/fleet/types.js";
import { clusterIssuerAddon } from "../../generators/platform/cert-manager.js";
import { worstCase } from "../../generators/render/quotas.js";
import { findObject, renderedApp } from "../support/rendered.js";

function profile(name: string): ClusterProfile {
  const cluster = CLUSTERS.find((c) => c.name === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  return cluster;
}

const kades = APPS.find((a) => a.name === "kades");
if (!kades) throw new Error("no app kades");

describe("when the cluster issues certificates through ACME (prod)", () => {
  it("should let only the ingress controller reach the solver pods, on 8089", () => {
    const policy = findObject(renderedApp("kades", "prod"), "NetworkPolicy", "allow-acme-http01-solver");
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 8089 }],
        },
      ],
    });
  });

  it("should add one solver pod (10m / 64Mi requests, 100m / 64Mi limits) per Ingress to the worst case", () => {
    const prod = profile("prod");
    const spec = kades.spec({ tier: prod.tier, cluster: prod.name, domain: prod.domain });
    const ingresses = (spec.ingresses ?? []).length;
    expect(ingresses).toBe(2);
    const acme = worstCase({ app: spec, cluster: prod });
    const selfSigned = worstCase({ app: spec, cluster: { ...prod, issuer: { kind: "selfSigned" } } });
    expect(acme.pods - selfSigned.pods).toBe(2);
    expect(acme.requests.cpu - selfSigned.requests.cpu).toBe(2 * 10);
    expect(acme.limits.cpu - selfSigned.limits.cpu).toBe(2 * 100);
    expect(acme.requests.memory - selfSigned.requests.memory).toBe(2 * 64 * 2 ** 20);
  });

  it("should have the solver Service be ClusterIP, which the quota's services.nodeports does not count", () => {
    const source = clusterIssuerAddon(profile("prod"), []).source;
    if (source.kind !== "directory") throw new Error("the ClusterIssuer is a plain manifest");
    const issuer = source.objects[0] as unknown as { spec: { acme: { solvers: unknown[] } } };
    expect(issuer.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: "nginx", serviceType: "ClusterIP" } } }]);
  });
});

describe("when the cluster signs its own certificates (dev)", () => {
  it("should render no solver policy", () => {
    expect(renderedApp("kades", "dev").filter((o) => o.metadata.name === "allow-acme-http01-solver")).toEqual([]);
  });
});
