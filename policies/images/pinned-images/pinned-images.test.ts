import { describe, expect, it } from "vitest";
import { runPolicy } from "../../lib/run.js";
import { describeFixtures, injected, runAll } from "../../lib/testing.js";
import type { KubeObject } from "../../lib/types.js";
import { ImageReferenceError, parseImageReference } from "../reference.js";
import { movingTag, pinnedImages } from "./pinned-images.js";

describeFixtures(pinnedImages, import.meta.dirname);

describe("when parsing image references", () => {
  it.each([
    ["redis", "docker.io", "library/redis", undefined, undefined],
    ["redis:7.4.2-alpine", "docker.io", "library/redis", "7.4.2-alpine", undefined],
    ["docker.io/redis:7", "docker.io", "library/redis", "7", undefined],
    ["index.docker.io/kades/api:1.0.0", "docker.io", "kades/api", "1.0.0", undefined],
    ["kades/api:1.0.0", "docker.io", "kades/api", "1.0.0", undefined],
    ["ghcr.io/external-secrets/external-secrets:v1.3.2", "ghcr.io", "external-secrets/external-secrets", "v1.3.2", undefined],
    ["localhost/app:1", "localhost", "app", "1", undefined],
    ["localhost:5000/kades/api", "localhost:5000", "kades/api", undefined, undefined],
    ["registry.example.com:8443/team/app:2.0", "registry.example.com:8443", "team/app", "2.0", undefined],
    ["Registry/app:1", "Registry", "app", "1", undefined],
    ["[::1]:5000/app:1", "[::1]:5000", "app", "1", undefined],
    [`redis@sha256:${"a".repeat(64)}`, "docker.io", "library/redis", undefined, `sha256:${"a".repeat(64)}`],
    [`quay.io/argoproj/argocd:v3.5.7@sha256:${"0".repeat(64)}`, "quay.io", "argoproj/argocd", "v3.5.7", `sha256:${"0".repeat(64)}`],
  ])("should read %s as registry %s, repository %s, tag %s, digest %s", (text, registry, repository, tag, digest) => {
    expect(parseImageReference(text)).toEqual({ registry, repository, tag, digest });
  });

  it.each([
    ["", /empty/],
    [" redis:7", /whitespace/],
    [":1.0.0", /repository name is missing/],
    ["docker.io/Kades/api:1", /must be lower case/],
    ["docker.io/kades//api:1", /component ""/],
    ["docker.io/kades/api:-1", /tag "-1"/],
    ["docker.io/kades/api:1@sha256:abc", /is not <algorithm>:<hex>/],
    [`docker.io/kades/api:1@sha256:${"a".repeat(40)}`, /64 lower-case hex/],
    [`docker.io/kades/api@md5:${"a".repeat(32)}`, /algorithm "md5"/],
    [`docker.io/kades/api@sha256:${"A".repeat(64)}`, /lower-case hex/],
    ["bad_host.io/app:1", /registry host "bad_host.io"/],
    ["a".repeat(64), /image ID/],
  ])("should reject %j", (text, reason) => {
    expect(() => parseImageReference(text)).toThrow(ImageReferenceError);
    expect(() => parseImageReference(text)).toThrow(reason);
  });
});

describe("when judging tags", () => {
  it.each(["latest", "LATEST", "stable", "main", "master", "nightly", "dev", "edge", "latest-pg14", "pg14-latest", "3.latest"])(
    "should call %s moving",
    (tag) => expect(movingTag(tag)).toBeDefined(),
  );
  it.each(["1.0.0", "v1.0.0-dev", "2.17.2-pg14", "7.4.2-alpine", "stable-1.27.3", "main-4f2a9c1", "latest1"])("should call %s pinned", (tag) =>
    expect(movingTag(tag)).toBeUndefined(),
  );
});

describe("when a committed prod image is changed by hand", () => {
  it("should name the rule for a latest tag", async () => {
    const tree = injected("prod", "/kades/statefulset-redis.yaml", (o) => {
      o.spec.template.spec.containers[0].image = "redis:latest";
      return o as KubeObject;
    });
    const found = (await runAll(tree)).filter((d) => d.rule === "images/pinned-images");
    expect(found.map((d) => [d.resource, d.path])).toEqual([["StatefulSet/redis", "spec.template.spec.containers[0].image"]]);
  });

  it("should find nothing in the unchanged committed tree", async () => {
    const tree = injected("prod", "/kades/statefulset-redis.yaml", (o) => o as KubeObject);
    expect(await runPolicy(pinnedImages, tree)).toEqual([]);
  });
});
