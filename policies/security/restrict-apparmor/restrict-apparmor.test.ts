import { describe, expect, it } from "vitest";
import { describeFixtures } from "../../lib/testing.js";
import { fixtureTree, pathsFound, podSpec, rulesAfterInjecting } from "../lib/testing.js";
import { restrictApparmor } from "./restrict-apparmor.js";

const dir = import.meta.dirname;
const policy = restrictApparmor;
const ANNOTATION = "container.apparmor.security.beta.kubernetes.io/kades-api";

describeFixtures(policy, dir);

describe("when the legacy annotation is set", () => {
  it.each([["runtime/default"], ["localhost/k8s-kades-api"], [""]])("should accept %j", async (value) => {
    const tree = fixtureTree(dir, "good-apparmor-annotation.yaml", ([d]) => {
      d!.spec.template.metadata.annotations[ANNOTATION] = value;
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });

  it.each([["unconfined"], ["docker-default"], ["localhost"]])("should reject %j at the annotation's path", async (value) => {
    const tree = fixtureTree(dir, "good-apparmor-annotation.yaml", ([d]) => {
      d!.spec.template.metadata.annotations[ANNOTATION] = value;
    });
    expect(await pathsFound(policy, tree)).toEqual([`spec.template.metadata.annotations["${ANNOTATION}"]`]);
  });

  it("should ignore annotations of other prefixes", async () => {
    const tree = fixtureTree(dir, "good-deployment.yaml", ([d]) => {
      d!.spec.template.metadata.annotations = { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" };
    });
    expect(await pathsFound(policy, tree)).toEqual([]);
  });
});

describe("when securityContext.appArmorProfile is set", () => {
  it("should report an ephemeral container with an unconfined profile", async () => {
    const tree = fixtureTree(dir, "good-apparmor-fields.yaml", ([d]) => {
      podSpec(d!).ephemeralContainers = [{ name: "debugger", image: "docker.io/library/busybox:1.36.1", securityContext: { appArmorProfile: { type: "Unconfined" } } }];
    });
    expect(await pathsFound(policy, tree)).toEqual(["spec.template.spec.ephemeralContainers[0].securityContext.appArmorProfile.type"]);
  });

  it("should accept RuntimeDefault and Localhost", async () => {
    expect(await pathsFound(policy, fixtureTree(dir, "good-apparmor-fields.yaml"))).toEqual([]);
  });
});

describe("when an unconfined AppArmor profile is injected into the committed prod tree", () => {
  it("should name the rule", async () => {
    const rules = await rulesAfterInjecting("/kades/deployment-kades-api.yaml", (o) => {
      podSpec(o).securityContext.appArmorProfile = { type: "Unconfined" };
    });
    expect(rules).toContain("security/restrict-apparmor");
  });
});
