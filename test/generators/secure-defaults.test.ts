import { describe, expect, it } from "vitest";
import { renderApp } from "../../generators/render/app.js";
import { containerSecurityContext, podSecurityContext, SECURE_DEFAULTS } from "../../generators/render/security.js";
import type { ServiceWorkloadSpec } from "../../generators/spec/types.js";
import { findContainer, findObject } from "../support/rendered.js";
import { clusterRunning, defineApp, sampleSpec } from "../support/fixtures.js";

describe("when a spec says nothing about security", () => {
  it("should pin every secure default", () => {
    expect(SECURE_DEFAULTS).toEqual({
      runAsUser: 10001,
      runAsNonRoot: true,
      seccompProfile: "RuntimeDefault",
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      dropCapabilities: ["ALL"],
      automountServiceAccountToken: false,
    });
  });

  it("should render a restricted pod and container security context", () => {
    const pod = podSecurityContext(sampleSpec().components[0] as ServiceWorkloadSpec);
    expect(pod).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(containerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("should not mount a service-account token", () => {
    const objects = renderApp(defineApp(sampleSpec()), clusterRunning("sample"));
    expect(findObject(objects, "Deployment", "api").spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(findObject(objects, "ServiceAccount", "api").automountServiceAccountToken).toBe(false);
    expect(objects.some((o) => o.kind === "Role")).toBe(false);
  });
});

describe("when a spec opts out explicitly", () => {
  it("should render only the named change", () => {
    const context = containerSecurityContext({ readOnlyRootFilesystem: false, addCapabilities: ["NET_BIND_SERVICE"] });
    expect(context.readOnlyRootFilesystem).toBe(false);
    expect(context.capabilities).toEqual({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
    expect(context.allowPrivilegeEscalation).toBe(false);
  });

  it("should mount the token and bind a Role only for declared API access", () => {
    const spec = sampleSpec();
    const api = spec.components[0] as ServiceWorkloadSpec;
    const withAccess = {
      ...spec,
      components: [
        { ...api, apiAccess: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get" as const], resourceNames: ["cfg"] }] },
        ...spec.components.slice(1),
      ],
    };
    const objects = renderApp(defineApp(withAccess), clusterRunning("sample"));
    expect(findObject(objects, "Deployment", "api").spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(findObject(objects, "Role", "api").rules).toEqual([
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["cfg"] },
    ]);
    expect(findObject(objects, "RoleBinding", "api").subjects).toEqual([
      { kind: "ServiceAccount", name: "api", namespace: "sample" },
    ]);
    expect(findObject(objects, "StatefulSet", "cache").spec.template.spec.automountServiceAccountToken).toBe(false);
  });
});

describe("when a container opts out of probes", () => {
  it("should render no probes and record the reason on the pod", () => {
    const spec = sampleSpec();
    const api = spec.components[0] as ServiceWorkloadSpec;
    const reason = "serves a raw TCP protocol with no health endpoint yet";
    const optedOut = { ...spec, components: [{ ...api, probes: undefined, probesOptOut: reason }, ...spec.components.slice(1)] };
    const deployment = findObject(renderApp(defineApp(optedOut), clusterRunning("sample")), "Deployment", "api");
    expect(findContainer(deployment, "api").livenessProbe).toBeUndefined();
    expect(deployment.spec.template.metadata.annotations).toEqual({ "iot-fleet.io/no-probes.api": reason });
  });
});

describe("when a cluster caps resources", () => {
  it("should clamp requests and limits but keep smaller figures", () => {
    const capped = {
      ...clusterRunning("sample"),
      resourceCap: { requests: { cpu: "50m", memory: "256Mi" }, limits: { cpu: "250m", memory: "1Gi" } },
    };
    const api = findContainer(findObject(renderApp(defineApp(sampleSpec()), capped), "Deployment", "api"), "api");
    expect(api.resources).toEqual({
      requests: { cpu: "50m", memory: "128Mi" },
      limits: { cpu: "250m", memory: "512Mi" },
    });
  });
});
