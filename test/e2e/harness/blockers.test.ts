import { describe, expect, it } from "vitest";
import { requiredSecrets, secretsMissingAtStart } from "./blockers.js";

const pod = (created: string, spec: object): object => ({
  metadata: { name: "kades-api-7d9f-abcde", namespace: "kades", creationTimestamp: created, ownerReferences: [{ kind: "ReplicaSet", name: "kades-api-7d9f" }] },
  spec,
});
const secret = (name: string, created: string): { metadata: Record<string, string> } => ({ metadata: { name, namespace: "kades", creationTimestamp: created } });
const withEnv = { containers: [{ env: [{ valueFrom: { secretKeyRef: { name: "kades-secrets" } } }, { valueFrom: { secretKeyRef: { name: "opt", optional: true } } }] }] };

describe("when finding the Secrets a pod cannot start without", () => {
  it("should take env, envFrom and secret volumes, and leave out optional ones", () => {
    expect(
      requiredSecrets({
        spec: {
          containers: [{ env: [{ valueFrom: { secretKeyRef: { name: "a" } } }], envFrom: [{ secretRef: { name: "b" } }, { secretRef: { name: "c", optional: true } }] }],
          initContainers: [{ envFrom: [{ secretRef: { name: "d" } }] }],
          volumes: [{ secret: { secretName: "e" } }, { secret: { secretName: "f", optional: true } }],
        },
      }),
    ).toEqual(["a", "b", "d", "e"]);
  });
});

describe("when a pod started before a Secret it reads", () => {
  it("should name the workload and the Secret when the Secret came a second later", () => {
    const found = secretsMissingAtStart([pod("2026-01-01T00:00:10Z", withEnv)], [secret("kades-secrets", "2026-01-01T00:00:11Z")] as never);
    expect(found).toEqual([
      "Deployment/kades/kades-api: its pods started before Secret kades-secrets existed (a kubelet fails them with CreateContainerConfigError until it appears, and the sync wave waits): sync the Secret's source in an earlier wave",
    ]);
  });

  it("should name a Secret that never appeared", () => {
    expect(secretsMissingAtStart([pod("2026-01-01T00:00:10Z", withEnv)], [])).toEqual([
      "Deployment/kades/kades-api: its pods read Secret kades-secrets, which does not exist (a kubelet fails them with CreateContainerConfigError)",
    ]);
  });

  it("should accept a Secret from an earlier or the same second, and ignore optional ones", () => {
    expect(secretsMissingAtStart([pod("2026-01-01T00:00:10Z", withEnv)], [secret("kades-secrets", "2026-01-01T00:00:10Z")] as never)).toEqual([]);
    expect(secretsMissingAtStart([pod("2026-01-01T00:00:10Z", withEnv)], [secret("kades-secrets", "2026-01-01T00:00:02Z")] as never)).toEqual([]);
  });
});
