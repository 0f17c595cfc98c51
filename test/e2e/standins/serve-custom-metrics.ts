// `tsx test/e2e/standins/serve-custom-metrics.ts --port P --cert-file F --key-file F
//   --kubernetes-server URL --kubernetes-ca-file F --kubernetes-client-cert F --kubernetes-client-key F --metric NAME ...`:
// the custom metrics stand-in as a process of its own, until SIGTERM.
import { parseArgs } from "node:util";
import { startCustomMetrics } from "./custom-metrics.js";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "cert-file": { type: "string" },
    "key-file": { type: "string" },
    "kubernetes-server": { type: "string" },
    "kubernetes-ca-file": { type: "string" },
    "kubernetes-client-cert": { type: "string" },
    "kubernetes-client-key": { type: "string" },
    metric: { type: "string", multiple: true },
  },
});
const need = ["port", "cert-file", "key-file", "kubernetes-server", "kubernetes-ca-file", "kubernetes-client-cert", "kubernetes-client-key"] as const;
const missing = need.filter((k) => !values[k]);
if (missing.length > 0) {
  console.error(`ERROR - missing ${missing.map((m) => `--${m}`).join(", ")}`);
  process.exit(2);
}
const server = await startCustomMetrics({
  port: Number(values.port),
  certFile: values["cert-file"] as string,
  keyFile: values["key-file"] as string,
  kubernetes: {
    server: values["kubernetes-server"] as string,
    caFile: values["kubernetes-ca-file"] as string,
    clientCert: values["kubernetes-client-cert"] as string,
    clientKey: values["kubernetes-client-key"] as string,
  },
  metrics: values.metric ?? [],
});
console.log(`INFO - custom metrics stand-in on 127.0.0.1:${values.port} for ${(values.metric ?? []).join(", ")}`);
process.on("SIGTERM", () => void server.stop().then(() => process.exit(0)));
