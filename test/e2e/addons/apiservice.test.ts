import { describe, expect, it } from "vitest";
import { metricsApiObjects } from "./apiservice.js";
import { METRICS_SERVER_NAME } from "./serving-cert.js";

describe("when registering metrics-server's API with the aggregator", () => {
  const [service, apiService] = metricsApiObjects(21015, "Q0E=");
  const spec = (o: unknown): Record<string, unknown> => (o as { spec: Record<string, unknown> }).spec;

  it("should point an ExternalName Service at loopback", () => {
    expect(service).toMatchObject({ apiVersion: "v1", kind: "Service", metadata: { name: "metrics-server", namespace: "kube-system" } });
    expect(spec(service)).toEqual({ type: "ExternalName", externalName: "127.0.0.1" });
  });

  it("should name that Service and the process's port in the APIService", () => {
    expect(apiService).toMatchObject({ apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", metadata: { name: "v1beta1.metrics.k8s.io" } });
    expect(spec(apiService)["service"]).toEqual({ name: "metrics-server", namespace: "kube-system", port: 21015 });
  });

  it("should verify metrics-server with the CA bundle when given one", () => {
    expect(spec(apiService)["caBundle"]).toBe("Q0E=");
    expect(spec(apiService)).not.toHaveProperty("insecureSkipTLSVerify");
  });

  it("should skip verification without a CA bundle", () => {
    const [, insecure] = metricsApiObjects(21015);
    expect(spec(insecure)["insecureSkipTLSVerify"]).toBe(true);
    expect(spec(insecure)).not.toHaveProperty("caBundle");
  });

  it("should use the server name the aggregator checks in the certificate", () => {
    const svc = spec(apiService)["service"] as { name: string; namespace: string };
    expect(METRICS_SERVER_NAME).toBe(`${svc.name}.${svc.namespace}.svc`);
  });

  it("should reject a port that is not a TCP port", () => {
    expect(() => metricsApiObjects(0)).toThrow(/metrics-server port 0 is not a TCP port/);
  });
});
