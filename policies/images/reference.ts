// Container image references, parsed the way the container runtime reads them
// (the grammar and normalisation of github.com/distribution/reference):
//
//   [registry-host[:port]/]path[:tag][@algorithm:hex]
//
// The first path segment is a registry host only when it contains `.` or `:`,
// is `localhost`, or has upper-case letters; otherwise the image is on Docker
// Hub (`docker.io`), and a single-segment Docker Hub path lives under
// `library/` (`redis` is `docker.io/library/redis`).
import { type ContainerAt, type PodTemplate, containersOf, podTemplates } from "../lib/objects.js";
import type { ClusterTree } from "../lib/types.js";

export const DEFAULT_REGISTRY = "docker.io";
/** Docker Hub's legacy name, which the runtime rewrites to `docker.io`. */
const LEGACY_DEFAULT_REGISTRY = "index.docker.io";

export interface ImageReference {
  /** Registry host (with its port, if any), normalised: `docker.io`, `ghcr.io`, `localhost:5000`. */
  readonly registry: string;
  /** Repository path inside the registry, normalised: `library/redis`. */
  readonly repository: string;
  readonly tag: string | undefined;
  /** `sha256:<64 hex>` */
  readonly digest: string | undefined;
}

export class ImageReferenceError extends Error {}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
/** Hex lengths of the digest algorithms the runtime verifies. */
const DIGEST_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
const NAME_MAX = 255;

function parseDigest(text: string): string {
  const match = DIGEST.exec(text);
  if (!match) throw new ImageReferenceError(`digest "${text}" is not <algorithm>:<hex>`);
  const [, algorithm = "", hex = ""] = match;
  const length = DIGEST_LENGTHS[algorithm];
  if (length === undefined) throw new ImageReferenceError(`digest algorithm "${algorithm}" is not one of ${Object.keys(DIGEST_LENGTHS).join(", ")}`);
  if (hex.length !== length || hex !== hex.toLowerCase()) {
    throw new ImageReferenceError(`a ${algorithm} digest is ${length} lower-case hex digits, not "${hex}"`);
  }
  return text;
}

/** Splits `host/path` the runtime's way; returns [registry, path]. */
function splitRegistry(name: string): [string, string] {
  const slash = name.indexOf("/");
  const first = name.slice(0, slash);
  const isHost = slash !== -1 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  if (!isHost) return [DEFAULT_REGISTRY, name];
  return [first === LEGACY_DEFAULT_REGISTRY ? DEFAULT_REGISTRY : first, name.slice(slash + 1)];
}

/** Parses and normalises an image reference; throws ImageReferenceError saying what is wrong. */
export function parseImageReference(text: string): ImageReference {
  if (text.trim() === "") throw new ImageReferenceError("the reference is empty");
  if (text !== text.trim()) throw new ImageReferenceError("the reference has leading or trailing whitespace");
  const at = text.indexOf("@");
  const digest = at === -1 ? undefined : parseDigest(text.slice(at + 1));
  const nameAndTag = at === -1 ? text : text.slice(0, at);
  // A tag follows the last `:` after the last `/`; an earlier `:` is a registry port.
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > nameAndTag.lastIndexOf("/");
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) {
    throw new ImageReferenceError(`tag "${tag}" is not 1 to 128 letters, digits, "_", "." or "-" (not starting with "." or "-")`);
  }
  if (name === "") throw new ImageReferenceError("the repository name is missing");
  if (name.length > NAME_MAX) throw new ImageReferenceError(`the repository name is longer than ${NAME_MAX} characters`);
  const [registry, path] = splitRegistry(name);
  if (!HOST.test(registry)) throw new ImageReferenceError(`registry host "${registry}" is not a host name with an optional port`);
  if (path === "") throw new ImageReferenceError("the repository path is missing");
  for (const component of path.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      const why = component !== component.toLowerCase() ? "must be lower case" : "must be lower-case letters and digits separated by '.', '_', '__' or '-'";
      throw new ImageReferenceError(`repository path component "${component}" ${why}`);
    }
  }
  if (/^[a-f0-9]{64}$/.test(path)) throw new ImageReferenceError("a 64-digit hex string is an image ID, not a repository name");
  const repository = registry === DEFAULT_REGISTRY && !path.includes("/") ? `library/${path}` : path;
  return { registry, repository, tag, digest };
}

/** The normalised reference as the runtime pulls it: `docker.io/library/redis:7.4.2-alpine`. */
export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

/** A container image as rendered: the container, where it is, and its parsed reference (or why it does not parse). */
export interface ContainerImage {
  readonly template: PodTemplate;
  readonly at: ContainerAt;
  /** `spec.template.spec.containers[0].image` */
  readonly path: string;
  readonly image: string;
  readonly reference: ImageReference | ImageReferenceError;
}

/** Every container image of every pod template (init, sidecar and ephemeral containers too). */
export function containerImages(cluster: ClusterTree): ContainerImage[] {
  return podTemplates(cluster).flatMap((template) =>
    containersOf(template).map((at): ContainerImage => {
      const image = String(at.container.image ?? "");
      let reference: ImageReference | ImageReferenceError;
      try {
        reference = parseImageReference(image);
      } catch (error) {
        if (!(error instanceof ImageReferenceError)) throw error;
        reference = error;
      }
      return { template, at, path: `${at.path}.image`, image, reference };
    }),
  );
}
