// Where a broken reference is mended: an app object is rendered from its app
// spec, so the fix goes there and `npm run generate` rewrites the YAML; a
// platform object is mended where generators/ renders it.
import { renderedFrom } from "../availability/workloads.js";
import { componentOf, resourceName } from "../lib/objects.js";
import type { RenderedDocument } from "../lib/types.js";

/**
 * The fix text: what to change in the object, then where. `specPlace` names
 * the app spec field it is rendered from ("`service` of component kades-api").
 */
export function fixAt(document: RenderedDocument, objectFix: string, specPlace: string): string {
  const source = renderedFrom(document);
  if (!source.startsWith("apps/")) return `${objectFix}, where ${source} renders ${resourceName(document.object)}`;
  return `${objectFix}; it is rendered from ${specPlace} in ${source}: change it there and run \`npm run generate\` rather than editing the file`;
}

/** A list for messages: `a, b, c`, or the given word when empty. */
export function listOr(items: readonly string[], none: string): string {
  return items.length === 0 ? none : items.join(", ");
}

/**
 * An app spec field of the component that renders the object, as fixAt's
 * `specPlace`: "`env` of component kades-api", "`sidecars[fluent-bit].env` of component x".
 */
export function componentField(document: RenderedDocument, field: string, container?: { readonly name: string; readonly init: boolean }): string {
  const component = componentOf(document.object);
  const prefix = container === undefined || container.name === component ? "" : container.init ? `initContainers[${container.name}].` : `sidecars[${container.name}].`;
  return `\`${prefix}${field}\` of component ${component}`;
}
