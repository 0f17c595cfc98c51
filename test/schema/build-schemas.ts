// Builds the offline schema cache (.cache/schemas/<key>/) if it is not there
// yet; run by scripts/install-kubeconform.sh. Exit 0 when the cache is ready,
// 1 when it cannot be built (the message names the module, file or kind).
import { ensureSchemas, SchemaBuildError } from "./cache.js";

try {
  await ensureSchemas();
} catch (error) {
  if (!(error instanceof SchemaBuildError)) throw error;
  console.error(`ERROR - schemas: ${error.message}`);
  process.exitCode = 1;
}
