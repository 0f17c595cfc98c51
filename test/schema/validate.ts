// `npm run validate -- <dir>... [--format text|json|github|sarif]`: validates rendered YAML
// against the offline schemas of every kind we ship (Kubernetes built-ins at
// the fleet's pinned version, and the pinned CRDs) with the real kubeconform,
// strict, nothing skipped. Exit 0 when every resource is valid, 1 when any is
// invalid or cannot be validated, 2 on bad arguments or when `npm run setup`
// has not built kubeconform and the schemas.
import { runCli } from "./cli.js";

process.exitCode = await runCli(process.argv.slice(2));
