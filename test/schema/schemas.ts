/**
 * Converts Kubernetes OpenAPI definitions and CRD `openAPIV3Schema`s into the
 * standalone, strict JSON schemas (draft 4) kubeconform validates against.
 *
 * Built-in kinds follow openapi2jsonschema's `--kubernetes --expanded
 * --stand-alone --strict` mode, the one that produces yannh/kubernetes-json-schema's
 * `*-standalone-strict` schemas:
 * - every `$ref` is inlined (a recursive reference, which cannot be inlined,
 *   points into the schema's own `definitions`);
 * - `IntOrString` accepts a string or an integer, `Quantity` a string or a number;
 * - `apiVersion` and `kind` are pinned with `enum` to the kind's group-version-kind;
 * - strict: `additionalProperties: false` on the root and on every object
 *   schema with `properties` that does not set `additionalProperties` itself;
 * - an optional field also accepts `null` (the API server treats an explicit
 *   null as unset); a field its object lists in `required` does not.
 *
 * CRD versions follow kubeconform's `scripts/openapi2jsonschema.py` with its
 * root check on (`DENY_ROOT_ADDITIONAL_PROPERTIES`), for served versions only:
 * strict as above, `format: int-or-string` replaced. Where the script differs
 * from the API server, this conversion follows the API server:
 * - `x-kubernetes-preserve-unknown-fields: true` keeps unknown fields (no
 *   `additionalProperties: false` there);
 * - `x-kubernetes-int-or-string: true` accepts an integer or a string,
 *   `nullable: true` accepts null;
 * - `metadata` is validated as the built-in ObjectMeta (so labels and
 *   annotations are accepted and a misspelt metadata field is not), combined
 *   with any constraint the CRD adds;
 * - `apiVersion` and `kind` are pinned like the built-in kinds.
 * Both drop `description`s (most of the bytes, no effect on validation) and
 * never add `additionalProperties` inside `allOf` / `anyOf` / `oneOf` /
 * `not`: in a structural schema those branches repeat a subset of the
 * properties declared outside them, and closing a branch would reject the rest.
 */

import { byCodeUnit } from "../../generators/order.js";

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** One schema file: the kind it validates and where it came from. */
export interface GeneratedSchema {
  readonly apiVersion: string;
  readonly kind: string;
  /** The module file it was converted from (for messages and the cache manifest). */
  readonly source: string;
  readonly schema: JsonObject;
}

/** Input the converter cannot turn into schemas; the message names the source and the problem. */
export class ConversionError extends Error {}

export const JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-04/schema#";

const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const SWAGGER_REF_PREFIX = "#/definitions/";
const COMBINATORS = ["allOf", "anyOf", "oneOf"] as const;

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

/** The path of a kind's schema file, the way kubeconform's `-schema-location` template below resolves it. */
export function schemaFileName(apiVersion: string, kind: string): string {
  const parts = apiVersion.split("/");
  // kubeconform's {{ .Group }} is the part before "/", or the whole apiVersion for the core group ("v1").
  const group = parts[0] ?? apiVersion;
  const version = parts[parts.length - 1] ?? apiVersion;
  return `${group}/${kind.toLowerCase()}_${version}.json`;
}

/** kubeconform `-schema-location` template, relative to the schema cache directory; must match `schemaFileName`. */
export const SCHEMA_LOCATION_TEMPLATE =
  "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json";

/** The directory (relative to the cache) the template resolves to for a Kubernetes version under `-strict`. */
export function schemaVersionDir(kubernetesVersion: string): string {
  return `v${kubernetesVersion}-standalone-strict`;
}

// --- walking schemas -------------------------------------------------------

/** Where a subschema sits in its parent, which decides what the transforms may do to it. */
type Position =
  | { readonly kind: "root" }
  | { readonly kind: "property"; readonly required: boolean }
  | { readonly kind: "value" } // items, additionalProperties, patternProperties values, additionalItems
  | { readonly kind: "branch" } // allOf / anyOf / oneOf / not
  | { readonly kind: "definition" };

/**
 * Calls `visit` on `schema` and every subschema below it (parents first),
 * through the JSON Schema keywords only: property names, `enum`, `default`,
 * `example` and `x-kubernetes-*` values are never mistaken for schemas.
 * `inBranch` is true at and below an `allOf` / `anyOf` / `oneOf` / `not` branch.
 */
function walk(
  schema: JsonObject,
  visit: (s: JsonObject, at: Position, inBranch: boolean) => void,
  at: Position = { kind: "root" },
  inBranch = false,
): void {
  visit(schema, at, inBranch);
  const child = (sub: Json | undefined, position: Position): void => {
    if (isObject(sub)) walk(sub, visit, position, inBranch || position.kind === "branch");
  };
  const properties = schema["properties"];
  if (isObject(properties)) {
    const requiredList = schema["required"];
    const required = new Set(Array.isArray(requiredList) ? requiredList.filter((r): r is string => typeof r === "string") : []);
    for (const [name, sub] of Object.entries(properties)) child(sub, { kind: "property", required: required.has(name) });
  }
  const patternProperties = schema["patternProperties"];
  if (isObject(patternProperties)) for (const sub of Object.values(patternProperties)) child(sub, { kind: "value" });
  child(schema["additionalProperties"], { kind: "value" });
  child(schema["additionalItems"], { kind: "value" });
  const items = schema["items"];
  if (Array.isArray(items)) for (const sub of items) child(sub, { kind: "value" });
  else child(items, { kind: "value" });
  for (const key of COMBINATORS) {
    const branches = schema[key];
    if (Array.isArray(branches)) for (const sub of branches) child(sub, { kind: "branch" });
  }
  child(schema["not"], { kind: "branch" });
  const definitions = schema["definitions"];
  if (isObject(definitions)) for (const sub of Object.values(definitions)) child(sub, { kind: "definition" });
}

// --- the transforms --------------------------------------------------------

/**
 * Strict: closes every object schema that lists `properties` and does not say
 * otherwise (`additionalProperties` set, or `x-kubernetes-preserve-unknown-fields: true`).
 */
export function closeObjects(schema: JsonObject): JsonObject {
  walk(schema, (s, _at, inBranch) => {
    if (inBranch || !isObject(s["properties"])) return;
    if ("additionalProperties" in s) return;
    if (s["x-kubernetes-preserve-unknown-fields"] === true) return;
    s["additionalProperties"] = false;
  });
  return schema;
}

const INT_OR_STRING_SCHEMA: JsonObject = { oneOf: [{ type: "string" }, { type: "integer" }] };

/**
 * Int-or-string: `format: int-or-string` (Swagger) becomes "a string or an
 * integer", as openapi2jsonschema does; `x-kubernetes-int-or-string: true`
 * (CRDs) without its own `anyOf` / `oneOf` gets one.
 */
export function replaceIntOrString(schema: JsonObject): JsonObject {
  const replace = (s: JsonObject): void => {
    if (s["format"] === "int-or-string") {
      for (const key of Object.keys(s)) if (key !== "description") delete s[key];
      Object.assign(s, clone(INT_OR_STRING_SCHEMA));
      return;
    }
    if (s["x-kubernetes-int-or-string"] === true && !("anyOf" in s) && !("oneOf" in s)) {
      delete s["type"];
      s["anyOf"] = [{ type: "integer" }, { type: "string" }];
    }
  };
  walk(schema, replace);
  return schema;
}

function addNull(s: JsonObject): void {
  const type = s["type"];
  if (typeof type === "string" && type !== "null") s["type"] = [type, "null"];
  else if (Array.isArray(type) && !type.includes("null")) s["type"] = [...type, "null"];
}

/** Built-in kinds: every optional field (and list item / map value) also accepts null. */
export function allowNullOptionalFields(schema: JsonObject): JsonObject {
  walk(schema, (s, at) => {
    if ((at.kind === "property" && !at.required) || at.kind === "value") addNull(s);
  });
  return schema;
}

/** CRDs: `nullable: true` accepts null. */
export function applyNullable(schema: JsonObject): JsonObject {
  walk(schema, (s) => {
    if (s["nullable"] !== true) return;
    if ("type" in s) addNull(s);
    else for (const key of ["anyOf", "oneOf"] as const) {
      const branches = s[key];
      if (Array.isArray(branches)) branches.push({ type: "null" });
    }
  });
  return schema;
}

/**
 * Drops `description`s: two thirds of a built-in schema's bytes, never used
 * by validation. Leaves a property that is called "description" alone.
 */
export function dropDescriptions(schema: JsonObject): JsonObject {
  walk(schema, (s) => {
    if (typeof s["description"] === "string") delete s["description"];
  });
  return schema;
}

/** Pins `apiVersion` and `kind` to the kind the schema is for (adding the properties if the source lacks them). */
export function pinKind(schema: JsonObject, apiVersion: string, kind: string): JsonObject {
  const properties = isObject(schema["properties"]) ? schema["properties"] : (schema["properties"] = {});
  for (const [name, value] of [["apiVersion", apiVersion], ["kind", kind]] as const) {
    const existing = properties[name];
    properties[name] = { ...(isObject(existing) ? existing : { type: "string" }), enum: [value] };
  }
  return schema;
}

// --- $ref expansion --------------------------------------------------------

/**
 * Inlines every `$ref` of the definition `name` (a JSON Reference replaces the
 * whole object it appears in, so keys beside `$ref` are dropped, as jsonref
 * does). A reference back into a definition that is still being expanded
 * would never end; it becomes `{"$ref": "#/definitions/<name>"}` and that
 * definition is added, itself expanded, under the schema's `definitions`.
 */
export function expandDefinition(name: string, definitions: JsonObject, source: string): JsonObject {
  const recursive = new Set<string>();
  const target = (ref: string, from: string): JsonObject => {
    if (!ref.startsWith(SWAGGER_REF_PREFIX)) {
      throw new ConversionError(`${source}: ${from} has $ref ${JSON.stringify(ref)}; only local references (${SWAGGER_REF_PREFIX}...) can be inlined`);
    }
    const def = definitions[ref.slice(SWAGGER_REF_PREFIX.length)];
    if (!isObject(def)) throw new ConversionError(`${source}: ${from} has $ref ${JSON.stringify(ref)}, which is not defined`);
    return def;
  };
  const expand = (node: Json, stack: readonly string[]): Json => {
    if (Array.isArray(node)) return node.map((n) => expand(n, stack));
    if (!isObject(node)) return node;
    const ref = node["$ref"];
    if (typeof ref === "string") {
      const refName = ref.slice(SWAGGER_REF_PREFIX.length);
      const def = target(ref, stack[stack.length - 1] ?? name);
      if (stack.includes(refName)) {
        recursive.add(refName);
        return { $ref: ref };
      }
      return expand(def, [...stack, refName]);
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = expand(value, stack);
    return out;
  };
  const root = expand(target(`${SWAGGER_REF_PREFIX}${name}`, name), [name]) as JsonObject;
  const localDefinitions: JsonObject = {};
  for (let pending = [...recursive]; pending.length > 0; pending = [...recursive].filter((r) => !(r in localDefinitions))) {
    for (const r of pending.sort(byCodeUnit)) localDefinitions[r] = expand(target(`${SWAGGER_REF_PREFIX}${r}`, name), [r]);
  }
  if (Object.keys(localDefinitions).length > 0) root["definitions"] = sortKeys(localDefinitions);
  return root;
}

function sortKeys(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(o).sort(byCodeUnit)) out[key] = o[key] ?? null;
  return out;
}

// --- Swagger (built-in kinds) ----------------------------------------------

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

function groupVersionKinds(def: JsonObject, name: string, source: string): GroupVersionKind[] {
  const list = def["x-kubernetes-group-version-kind"];
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ConversionError(`${source}: ${name} has a malformed x-kubernetes-group-version-kind`);
  return list.map((entry) => {
    if (!isObject(entry) || typeof entry["group"] !== "string" || typeof entry["version"] !== "string" || typeof entry["kind"] !== "string") {
      throw new ConversionError(`${source}: ${name} has a malformed x-kubernetes-group-version-kind entry ${JSON.stringify(entry)}`);
    }
    return { group: entry["group"], version: entry["version"], kind: entry["kind"] };
  });
}

function swaggerDefinitions(swagger: Json, source: string): JsonObject {
  const definitions = isObject(swagger) ? swagger["definitions"] : undefined;
  if (!isObject(swagger) || swagger["swagger"] !== "2.0" || !isObject(definitions)) {
    throw new ConversionError(`${source}: not a Swagger 2.0 document with definitions`);
  }
  const defs = clone(definitions);
  // openapi2jsonschema --kubernetes: what the API server's decoder really accepts.
  defs[INT_OR_STRING] = clone(INT_OR_STRING_SCHEMA);
  defs[QUANTITY] = { oneOf: [{ type: "string" }, { type: "number" }] };
  return defs;
}

function finishBuiltIn(schema: JsonObject): JsonObject {
  schema["type"] ??= "object";
  dropDescriptions(schema);
  replaceIntOrString(schema);
  closeObjects(schema);
  allowNullOptionalFields(schema);
  return schema;
}

/** One schema per group-version-kind the Swagger spec defines. */
export function convertSwagger(swagger: Json, source: string): GeneratedSchema[] {
  const defs = swaggerDefinitions(swagger, source);
  const out: GeneratedSchema[] = [];
  for (const name of Object.keys(defs).sort(byCodeUnit)) {
    const def = defs[name];
    if (!isObject(def)) continue;
    const gvks = groupVersionKinds(def, name, source);
    if (gvks.length === 0) continue;
    const expanded = finishBuiltIn(expandDefinition(name, defs, source));
    for (const gvk of gvks) {
      const apiVersion = gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`;
      const schema = pinKind(clone(expanded), apiVersion, gvk.kind);
      out.push({ apiVersion, kind: gvk.kind, source, schema: { $schema: JSON_SCHEMA_DRAFT, ...schema } });
    }
  }
  return out;
}

/** The built-in ObjectMeta, converted like a built-in kind's field: what a custom resource's `metadata` must match. */
export function objectMetaSchema(swagger: Json, source: string): JsonObject {
  const defs = swaggerDefinitions(swagger, source);
  if (!isObject(defs[OBJECT_META])) throw new ConversionError(`${source}: defines no ${OBJECT_META}`);
  return finishBuiltIn(expandDefinition(OBJECT_META, defs, source));
}

// --- CRDs ------------------------------------------------------------------

function crdField(crd: JsonObject, path: string, source: string): Json {
  let node: Json | undefined = crd;
  for (const key of path.split(".")) node = isObject(node) ? node[key] : undefined;
  if (node === undefined) throw new ConversionError(`${source}: CustomResourceDefinition has no ${path}`);
  return node;
}

/** True for a parsed YAML document that is a CustomResourceDefinition. */
export function isCrd(doc: Json): doc is JsonObject {
  return isObject(doc) && doc["kind"] === "CustomResourceDefinition";
}

/**
 * One schema per served version of the CRD. `objectMeta` is the built-in
 * ObjectMeta schema (`objectMetaSchema`), used for the custom resource's metadata.
 */
export function convertCrd(crd: JsonObject, source: string, objectMeta: JsonObject): GeneratedSchema[] {
  const name = isObject(crd["metadata"]) && typeof crd["metadata"]["name"] === "string" ? crd["metadata"]["name"] : "(unnamed)";
  const where = `${source} (CustomResourceDefinition ${name})`;
  if (crd["apiVersion"] !== "apiextensions.k8s.io/v1") {
    throw new ConversionError(`${where}: apiVersion ${JSON.stringify(crd["apiVersion"])} is not supported; only apiextensions.k8s.io/v1 CRDs carry a schema per version`);
  }
  const group = crdField(crd, "spec.group", where);
  const kind = crdField(crd, "spec.names.kind", where);
  const versions = crdField(crd, "spec.versions", where);
  if (typeof group !== "string" || typeof kind !== "string" || !Array.isArray(versions)) {
    throw new ConversionError(`${where}: spec.group, spec.names.kind or spec.versions has the wrong type`);
  }
  const out: GeneratedSchema[] = [];
  for (const version of versions) {
    if (!isObject(version) || typeof version["name"] !== "string") throw new ConversionError(`${where}: a spec.versions entry has no name`);
    if (version["served"] !== true) continue;
    const apiVersion = `${group}/${version["name"]}`;
    const openApi = isObject(version["schema"]) ? version["schema"]["openAPIV3Schema"] : undefined;
    if (!isObject(openApi)) {
      throw new ConversionError(`${where}: served version ${version["name"]} has no schema.openAPIV3Schema; kubeconform could only skip ${kind} ${apiVersion}`);
    }
    out.push({ apiVersion, kind, source, schema: convertCrdVersion(openApi, apiVersion, kind, objectMeta) });
  }
  return out;
}

/** Converts one CRD version's `openAPIV3Schema`. */
export function convertCrdVersion(openApi: JsonObject, apiVersion: string, kind: string, objectMeta: JsonObject): JsonObject {
  const schema = clone(openApi);
  schema["type"] ??= "object";
  const properties = isObject(schema["properties"]) ? schema["properties"] : (schema["properties"] = {});
  const crdMetadata = properties["metadata"];
  // Set aside while closing objects: the CRD's own metadata constraints must not close ObjectMeta.
  delete properties["metadata"];
  dropDescriptions(schema);
  replaceIntOrString(schema);
  applyNullable(schema);
  closeObjects(schema);
  const hasOwnConstraints = isObject(crdMetadata) && Object.keys(crdMetadata).some((k) => k !== "type" && k !== "description");
  properties["metadata"] = hasOwnConstraints ? { allOf: [clone(objectMeta), crdMetadata] } : clone(objectMeta);
  pinKind(schema, apiVersion, kind);
  return { $schema: JSON_SCHEMA_DRAFT, ...schema };
}

// --- Helm-templated CRD files ----------------------------------------------

/**
 * Drops the lines that are only a Helm template action (`{{- if ... }}`,
 * `{{- end }}`, `{{- include ... | nindent 4 }}`), which wrap the CRDs in a
 * chart's `templates/`. Templating anywhere else is left for the YAML parser
 * to reject, naming the file; `{{` inside a description is just text.
 */
export function stripHelmTemplateLines(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s*\{\{.*\}\}\s*$/.test(line))
    .join("\n");
}
