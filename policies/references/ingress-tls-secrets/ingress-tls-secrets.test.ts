import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { checkFixture, committedCluster, describeFixtures, injected } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { CLUSTER_ISSUER_ANNOTATION } from "../resolve.js";
import { ingressTlsSecrets } from "./ingress-tls-secrets.js";

describeFixtures(ingressTlsSecrets, import.meta.dirname);

const fixture = (name: string): string => `${import.meta.dirname}/fixtures/${name}`;

describe("when the Ingress names an issuer", () => {
  it("should report a missing ClusterIssuer at the annotation, and not the Secret cert-manager would create", async () => {
    const found = await checkFixture(ingressTlsSecrets, fixture("bad-01.yaml"));
    expect(found.map((d) => d.path)).toEqual([`metadata.annotations["${CLUSTER_ISSUER_ANNOTATION}"]`]);
  });

  it("should look for a namespaced Issuer in the Ingress's namespace only", async () => {
    const found = await checkFixture(ingressTlsSecrets, fixture("bad-06.yaml"));
    expect(found[0]?.problem).toContain("no Issuer of that name in namespace kades");
  });
});

describe("when judging the committed clusters", () => {
  it.each(["dev", "staging", "prod", "edge", "kind"])("should find nothing in clusters/%s", async (name) => {
    expect(await runPolicy(ingressTlsSecrets, committedCluster(name))).toEqual([]);
  });

  it("should name the rule, file, object, field and fix when prod's API Ingress loses its issuer annotation", async () => {
    const tree = injected("prod", "/kades/ingress-kades-api.yaml", (o) => {
      delete o.metadata.annotations[CLUSTER_ISSUER_ANNOTATION];
      return o as KubeObject;
    });
    const found = await runPolicy(ingressTlsSecrets, tree);
    expect(found.map((d) => [d.rule, d.file, d.resource, d.path])).toEqual([
      ["references/ingress-tls-secrets", "clusters/prod/apps/kades/ingress-kades-api.yaml", "Ingress/kades-api", "spec.tls[0].secretName"],
    ]);
    expect(found[0]?.problem).toContain("Secrets created there: kades-api-websocket-tls, kades-secrets, redis-auth, timescaledb-auth");
  });
});
