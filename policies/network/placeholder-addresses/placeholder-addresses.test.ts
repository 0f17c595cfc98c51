import { describe, expect, it } from "vitest";
import { clusterOf } from "../../lib/load.js";
import { runPolicy } from "../../lib/run.js";
import { committedCluster, describeFixtures } from "../../lib/testing.js";
import { placeholderAddresses, placeholderOf } from "./placeholder-addresses.js";

// dev's profile holds real ranges only, so the fixtures alone decide.
describeFixtures(placeholderAddresses, import.meta.dirname, "dev");

describe("when telling a placeholder from a real range", () => {
  it.each([
    ["203.0.113.0/24", "203.0.113.0/24"],
    ["203.0.113.7", "203.0.113.0/24"],
    ["203.0.113.128/25", "203.0.113.0/24"],
    ["2001:db8::/48", "2001:db8::/32"],
    ["198.19.0.0/16", "198.18.0.0/15"],
    ["0.0.0.0/32", "0.0.0.0/8"],
    ["255.255.255.255/32", "240.0.0.0/4"],
  ])("should find %s inside %s", (text, range) => {
    expect(placeholderOf(text)?.cidr).toBe(range);
  });

  it.each(["0.0.0.0/0", "203.0.112.0/23", "10.8.0.0/16", "172.18.0.0/16", "2001::/16", "not-a-cidr"])("should take %s as real (or not judge it)", (text) => {
    expect(placeholderOf(text)).toBeUndefined();
  });
});

describe("when judging the committed prod tree", () => {
  it("should warn, and only warn, at each object that admits prod's documentation range, naming the profile field", async () => {
    const found = await runPolicy(placeholderAddresses, committedCluster("prod"));
    expect(found.map((d) => [d.severity, d.resource, d.path])).toEqual([
      ["Warning", "NetworkPolicy/allow-kades-api", "spec.ingress[1].from[0].ipBlock.cidr"],
      ["Warning", "Service/kades-api", "spec.loadBalancerSourceRanges[0]"],
      ["Warning", "NetworkPolicy/allow-pynomaly-detection", "spec.ingress[1].from[0].ipBlock.cidr"],
      ["Warning", "Service/pynomaly-detection", "spec.loadBalancerSourceRanges[0]"],
    ]);
    expect(found.every((d) => d.fix.includes("replace 203.0.113.0/24 in `loadBalancerSourceRanges[0]` of profile prod (generators/fleet/clusters.ts)"))).toBe(true);
  });

  it("should warn once for the cluster when nothing renders the profile's placeholder", async () => {
    const found = await runPolicy(placeholderAddresses, clusterOf("prod", []));
    expect(found.map((d) => [d.severity, d.file, d.resource, d.problem.slice(0, 34)])).toEqual([["Warning", "prod", "", "profile prod names 203.0.113.0/24,"]]);
  });
});

describe.each(["dev", "staging", "edge", "kind"])("when judging the committed clusters/%s", (name) => {
  it("should find nothing", async () => {
    expect(await runPolicy(placeholderAddresses, committedCluster(name))).toEqual([]);
  });
});
