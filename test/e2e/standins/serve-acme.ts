// `tsx test/e2e/standins/serve-acme.ts --port P --cert-file F --key-file F --server URL`:
// the ACME stand-in as a process of its own, serving the directory URL a
// ClusterIssuer names (`--server`), until SIGTERM.
import { parseArgs } from "node:util";
import { startAcmeStandIn } from "./acme.js";

const { values } = parseArgs({ options: { port: { type: "string" }, "cert-file": { type: "string" }, "key-file": { type: "string" }, server: { type: "string" } } });
if (!values.port || !values["cert-file"] || !values["key-file"] || !values.server) {
  console.error("ERROR - usage: serve-acme.ts --port PORT --cert-file FILE --key-file FILE --server https://HOST/directory");
  process.exit(2);
}
const server = new URL(values.server);
const acme = await startAcmeStandIn({ port: Number(values.port), certFile: values["cert-file"], keyFile: values["key-file"], origin: server.origin, directoryPath: server.pathname });
console.log(`INFO - ACME stand-in for ${server.href} on 127.0.0.1:${values.port}`);
process.on("SIGTERM", () => {
  for (const r of acme.requests) console.log(`INFO - ${r.method} ${r.path} ${r.status}`);
  void acme.stop().then(() => process.exit(0));
});
