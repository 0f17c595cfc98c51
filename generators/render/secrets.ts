import { ExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { SecretSpec } from "../spec/types.js";
import { type AppContext, meta } from "./context.js";
import { byCodeUnit } from "../order.js";

/** Where a secret's keys live in the cluster's secret store: one entry per cluster, app and secret. */
export function remoteKey(ctx: AppContext, secret: SecretSpec): string {
  return `iot-fleet/${ctx.cluster.name}/${ctx.app.name}/${secret.name}`;
}

/** The Secret a guide creates by hand, fetched by external-secrets instead: names in Git, values never. */
export function externalSecret(ctx: AppContext, secret: SecretSpec): ExternalSecret {
  const keys = Object.keys(secret.keys).sort(byCodeUnit);
  return new ExternalSecret({
    metadata: meta(
      ctx,
      secret.name,
      undefined,
      Object.fromEntries(keys.map((k) => [`iot-fleet.io/key.${k}`, secret.keys[k] as string])),
    ),
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: ctx.cluster.secretStore },
      target: { name: secret.name, creationPolicy: "Owner", deletionPolicy: "Retain" },
      data: keys.map((key) => ({ secretKey: key, remoteRef: { key: remoteKey(ctx, secret), property: key } })),
    },
  });
}
