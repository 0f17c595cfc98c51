// The `npm run validate` command, callable in-process for tests.
import { parseArgs } from "node:util";
import { KubeconformError } from "./kubeconform.js";
import { findClusters, formatGithub, formatJson, formatSarif, formatText, isFailing, SetupError, UsageError, validateClusters } from "./validation.js";

const FORMATS = { text: formatText, json: formatJson, github: formatGithub, sarif: formatSarif } as const;

export const USAGE =
  "usage: npm run validate -- <dir>... [--format text|json|github|sarif]  (a cluster directory such as clusters/prod, or a directory of clusters such as clusters)";

export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STDIO: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Exit 0 when every resource is valid, 1 when any is invalid or cannot be
 * validated, 2 on bad arguments or when `npm run setup` has not built
 * kubeconform and the schemas.
 */
export async function runCli(argv: readonly string[], io: Output = STDIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { format: { type: "string", default: "text" } } });
  } catch (error) {
    io.err(`ERROR - ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (positionals.length === 0 || !Object.hasOwn(FORMATS, values.format as string)) {
    io.err(`ERROR - ${positionals.length === 0 ? "no directory given" : `unknown --format ${values.format}`}\n${USAGE}\n`);
    return 2;
  }
  try {
    const report = await validateClusters(findClusters(positionals));
    io.out(FORMATS[values.format as keyof typeof FORMATS](report));
    return isFailing(report) ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ERROR - ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof SetupError) {
      io.err(`ERROR - ${error.message}\n`);
      return 2;
    }
    if (error instanceof KubeconformError) {
      io.err(`ERROR - ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
