// The conversion on small inputs: what each transform does to a schema, and
// what the real kubeconform then accepts and rejects with the result.
import { describe, expect, it } from "vitest";
import {
  allowNullOptionalFields,
  closeObjects,
  ConversionError,
  convertCrd,
  convertSwagger,
  dropDescriptions,
  expandDefinition,
  objectMetaSchema,
  replaceIntOrString,
  schemaFileName,
  stripHelmTemplateLines,
  type JsonObject,
} from "./schemas.js";
import { validateAgainst } from "./testing.js";

const SOURCE = "test-input";

/** A Swagger 2.0 document shaped like the Kubernetes one, small enough to read. */
function swagger(): JsonObject {
  return {
    swagger: "2.0",
    definitions: {
      "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { type: "string", format: "int-or-string" },
      "io.k8s.apimachinery.pkg.api.resource.Quantity": { type: "string" },
      "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
        type: "object",
        description: "ObjectMeta",
        properties: {
          name: { type: "string" },
          namespace: { type: "string" },
          labels: { type: "object", additionalProperties: { type: "string" } },
          annotations: { type: "object", additionalProperties: { type: "string" } },
        },
      },
      "io.example.widgets.v1.Part": {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string" },
          port: { $ref: "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString" },
          cpu: { $ref: "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity" },
        },
      },
      "io.example.widgets.v1.WidgetSpec": {
        type: "object",
        properties: {
          replicas: { type: "integer", format: "int32" },
          parts: { type: "array", items: { $ref: "#/definitions/io.example.widgets.v1.Part", description: "dropped with the $ref" } },
          settings: { type: "object", additionalProperties: { type: "string" } },
        },
      },
      "io.example.widgets.v1.Widget": {
        type: "object",
        properties: {
          apiVersion: { type: "string" },
          kind: { type: "string" },
          metadata: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
          spec: { $ref: "#/definitions/io.example.widgets.v1.WidgetSpec" },
        },
        "x-kubernetes-group-version-kind": [
          { group: "widgets.example.io", version: "v1", kind: "Widget" },
          { group: "", version: "v1", kind: "Widget" },
        ],
      },
      "io.example.tree.v1.Node": {
        type: "object",
        properties: {
          apiVersion: { type: "string" },
          kind: { type: "string" },
          children: { type: "array", items: { $ref: "#/definitions/io.example.tree.v1.Node" } },
        },
        "x-kubernetes-group-version-kind": [{ group: "tree.example.io", version: "v1", kind: "Node" }],
      },
    },
  };
}

function crd(overrides: { versions?: JsonObject[]; apiVersion?: string } = {}): JsonObject {
  const schema: JsonObject = {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec: {
        type: "object",
        properties: {
          interval: { type: "string", pattern: "^[0-9]+[smh]$" },
          port: { "x-kubernetes-int-or-string": true },
          mode: { type: "string", enum: ["Off", "Auto"] },
          extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { known: { type: "string" } } },
          note: { type: "string", nullable: true },
        },
      },
    },
  };
  return {
    apiVersion: overrides.apiVersion ?? "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "gadgets.example.io" },
    spec: {
      group: "example.io",
      names: { kind: "Gadget", plural: "gadgets" },
      versions: overrides.versions ?? [
        { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } },
        { name: "v1beta1", served: false, storage: false, schema: { openAPIV3Schema: schema } },
      ],
    },
  };
}

describe("when closing objects (strict)", () => {
  it("should add additionalProperties: false to the root and to every object with properties", () => {
    const s = closeObjects({ type: "object", properties: { a: { type: "object", properties: { b: { type: "string" } } } } });
    expect(s).toEqual({
      type: "object",
      additionalProperties: false,
      properties: { a: { type: "object", additionalProperties: false, properties: { b: { type: "string" } } } },
    });
  });

  it("should keep a map's own additionalProperties and leave objects without properties open", () => {
    const s = closeObjects({ type: "object", properties: { m: { type: "object", additionalProperties: { type: "string" } }, free: { type: "object" } } });
    expect((s["properties"] as JsonObject)["m"]).toEqual({ type: "object", additionalProperties: { type: "string" } });
    expect((s["properties"] as JsonObject)["free"]).toEqual({ type: "object" });
  });

  it("should leave x-kubernetes-preserve-unknown-fields objects open", () => {
    const s = closeObjects({ type: "object", properties: { x: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { k: { type: "string" } } } } });
    expect((s["properties"] as JsonObject)["x"]).not.toHaveProperty("additionalProperties");
  });

  it("should not close allOf / anyOf / oneOf / not branches, which list only some of the properties", () => {
    const s = closeObjects({ type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, anyOf: [{ properties: { a: { type: "string" } }, required: ["a"] }] });
    expect((s["anyOf"] as JsonObject[])[0]).not.toHaveProperty("additionalProperties");
    expect(s["additionalProperties"]).toBe(false);
  });

  it("should not mistake a default value or a property named 'properties' for a schema", () => {
    const s = closeObjects({ type: "object", properties: { properties: { type: "object", default: { properties: {} } } } });
    const field = (s["properties"] as JsonObject)["properties"] as JsonObject;
    expect(field).toEqual({ type: "object", default: { properties: {} } });
  });
});

describe("when replacing int-or-string", () => {
  it("should turn format int-or-string into a string or an integer", () => {
    expect(replaceIntOrString({ type: "object", properties: { p: { type: "string", format: "int-or-string" } } })).toEqual({
      type: "object",
      properties: { p: { oneOf: [{ type: "string" }, { type: "integer" }] } },
    });
  });

  it("should give x-kubernetes-int-or-string an anyOf unless it has one", () => {
    const s = replaceIntOrString({ properties: { a: { "x-kubernetes-int-or-string": true }, b: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }] } } });
    expect((s["properties"] as JsonObject)["a"]).toEqual({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] });
    expect((s["properties"] as JsonObject)["b"]).toEqual({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }] });
  });
});

describe("when allowing null in optional fields", () => {
  it("should make optional fields, list items and map values nullable but not required fields or the root", () => {
    const s = allowNullOptionalFields({
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, size: { type: "integer" }, tags: { type: "array", items: { type: "string" } } },
    });
    expect(s).toEqual({
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, size: { type: ["integer", "null"] }, tags: { type: ["array", "null"], items: { type: ["string", "null"] } } },
    });
  });
});

describe("when dropping descriptions", () => {
  it("should drop the keyword but keep a property called description", () => {
    const s = dropDescriptions({ description: "d", type: "object", properties: { description: { type: "string", description: "d" } } });
    expect(s).toEqual({ type: "object", properties: { description: { type: "string" } } });
  });
});

describe("when expanding $refs", () => {
  it("should inline every reference, dropping the keys beside $ref", () => {
    const root = expandDefinition("io.example.widgets.v1.WidgetSpec", swagger()["definitions"] as JsonObject, SOURCE);
    const parts = (root["properties"] as JsonObject)["parts"] as JsonObject;
    expect(parts["items"]).toEqual({
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, port: { type: "string", format: "int-or-string" }, cpu: { type: "string" } },
    });
    expect(JSON.stringify(root)).not.toContain("$ref");
  });

  it("should point a recursive reference into the schema's own definitions", () => {
    const root = expandDefinition("io.example.tree.v1.Node", swagger()["definitions"] as JsonObject, SOURCE);
    const children = (root["properties"] as JsonObject)["children"] as JsonObject;
    expect(children["items"]).toEqual({ $ref: "#/definitions/io.example.tree.v1.Node" });
    expect(root["definitions"]).toHaveProperty(["io.example.tree.v1.Node", "properties", "children", "items", "$ref"], "#/definitions/io.example.tree.v1.Node");
  });

  it("should refuse a reference to an undefined or non-local definition", () => {
    const defs: JsonObject = { A: { properties: { b: { $ref: "#/definitions/Missing" } } }, C: { properties: { d: { $ref: "other.json#/X" } } } };
    expect(() => expandDefinition("A", defs, SOURCE)).toThrow(ConversionError);
    expect(() => expandDefinition("A", defs, SOURCE)).toThrow(/test-input: A has \$ref "#\/definitions\/Missing", which is not defined/);
    expect(() => expandDefinition("C", defs, SOURCE)).toThrow(/only local references/);
  });
});

describe("when converting a Swagger spec", () => {
  const schemas = convertSwagger(swagger(), SOURCE);

  it("should write one schema per group-version-kind, the core group as plain v1", () => {
    expect(schemas.map((s) => `${s.apiVersion} ${s.kind}`)).toEqual(["tree.example.io/v1 Node", "widgets.example.io/v1 Widget", "v1 Widget"]);
    expect(schemas.map((s) => schemaFileName(s.apiVersion, s.kind))).toEqual(["tree.example.io/node_v1.json", "widgets.example.io/widget_v1.json", "v1/widget_v1.json"]);
  });

  it("should pin apiVersion and kind to the group-version-kind", () => {
    const widget = schemas[1]?.schema.properties as JsonObject;
    expect(widget["apiVersion"]).toEqual({ type: ["string", "null"], enum: ["widgets.example.io/v1"] });
    expect(widget["kind"]).toEqual({ type: ["string", "null"], enum: ["Widget"] });
  });

  it("should refuse a document that is not Swagger 2.0", () => {
    expect(() => convertSwagger({ openapi: "3.0.0", components: {} }, SOURCE)).toThrow(/test-input: not a Swagger 2.0 document/);
  });

  it("should make kubeconform accept what the API server accepts and reject what it rejects", async () => {
    const widget = (spec: JsonObject, metadata: JsonObject = { name: "w", labels: { a: "b" }, annotations: { c: "d" } }): JsonObject => ({
      apiVersion: "widgets.example.io/v1",
      kind: "Widget",
      metadata,
      spec,
    });
    const results = await validateAgainst(schemas, [
      widget({ replicas: 2, parts: [{ name: "a", port: 8080, cpu: "500m" }, { name: "b", port: "http", cpu: 1 }], settings: { x: "y" } }),
      widget({ replicas: null }),
      widget({ replicas: "three" }),
      widget({ parts: [{ name: "a", colour: "red" }] }),
      widget({ parts: [{ name: "a", port: true }] }),
      widget({ parts: [{ port: 80 }] }),
      widget({}, { name: "w", lables: { a: "b" } }),
      { apiVersion: "widgets.example.io/v1", kind: "Widget", metadata: { name: "w" }, spek: {} },
      { apiVersion: "tree.example.io/v1", kind: "Node", children: [{ children: [{ children: [] }] }] },
      { apiVersion: "tree.example.io/v1", kind: "Node", children: [{ children: [{ leaves: [] }] }] },
    ]);
    expect(results.map((r) => [r.status, r.validationErrors.map((e) => `${e.path}: ${e.msg}`)])).toEqual([
      ["valid", []],
      ["valid", []],
      ["invalid", ["/spec/replicas: got string, want null or integer"]],
      ["invalid", ["/spec/parts/0: additional properties 'colour' not allowed"]],
      ["invalid", ["/spec/parts/0/port: 'oneOf' failed, none matched"]],
      ["invalid", ["/spec/parts/0: missing property 'name'"]],
      ["invalid", ["/metadata: additional properties 'lables' not allowed"]],
      ["invalid", [": additional properties 'spek' not allowed"]],
      ["valid", []],
      // kubeconform reports a failure through a recursive $ref at the reference, without the cause.
      ["invalid", ["/children/0: validation failed"]],
    ]);
  });
});

describe("when converting a CRD", () => {
  const objectMeta = objectMetaSchema(swagger(), SOURCE);

  it("should convert served versions only", () => {
    expect(convertCrd(crd(), SOURCE, objectMeta).map((s) => `${s.apiVersion} ${s.kind}`)).toEqual(["example.io/v1 Gadget"]);
  });

  it("should validate metadata as ObjectMeta, keeping the CRD's own metadata constraints", () => {
    const [plain] = convertCrd(crd(), SOURCE, objectMeta);
    expect((plain?.schema.properties as JsonObject)["metadata"]).toEqual(objectMeta);
    const constrained = crd({
      versions: [{ name: "v1", served: true, schema: { openAPIV3Schema: { type: "object", properties: { metadata: { type: "object", properties: { name: { type: "string", maxLength: 5 } } } } } } }],
    });
    const [withOwn] = convertCrd(constrained, SOURCE, objectMeta);
    expect((withOwn?.schema.properties as JsonObject)["metadata"]).toEqual({ allOf: [objectMeta, { type: "object", properties: { name: { type: "string", maxLength: 5 } } }] });
  });

  it("should add apiVersion and kind when the CRD's schema leaves them out", () => {
    const bare = crd({ versions: [{ name: "v2", served: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object" } } } } }] });
    const [s] = convertCrd(bare, SOURCE, objectMeta);
    expect(s?.schema.properties).toMatchObject({ apiVersion: { type: "string", enum: ["example.io/v2"] }, kind: { type: "string", enum: ["Gadget"] } });
  });

  it("should refuse a served version without a schema and a v1beta1 CRD, naming the CRD", () => {
    expect(() => convertCrd(crd({ versions: [{ name: "v1", served: true }] }), SOURCE, objectMeta)).toThrow(
      /test-input \(CustomResourceDefinition gadgets.example.io\): served version v1 has no schema.openAPIV3Schema/,
    );
    expect(() => convertCrd(crd({ apiVersion: "apiextensions.k8s.io/v1beta1" }), SOURCE, objectMeta)).toThrow(/is not supported/);
  });

  it("should make kubeconform reject wrong types, unknown fields and bad enums, and accept preserved unknown fields", async () => {
    const schemas = convertCrd(crd(), SOURCE, objectMeta);
    const gadget = (spec: JsonObject, extra: JsonObject = {}): JsonObject => ({
      apiVersion: "example.io/v1",
      kind: "Gadget",
      metadata: { name: "g", labels: { a: "b" }, annotations: { c: "d" } },
      spec,
      ...extra,
    });
    const results = await validateAgainst(schemas, [
      gadget({ interval: "30s", port: 80, mode: "Off", extra: { known: "k", anything: { goes: 1 } }, note: null }),
      gadget({ port: "http" }),
      gadget({ interval: 30 }),
      gadget({ interval: "soon" }),
      gadget({ intervall: "30s" }),
      gadget({ mode: "Sometimes" }),
      gadget({ port: 1.5 }),
      gadget({}, { extra: 1 }),
      { apiVersion: "example.io/v1", kind: "Gadget", metadata: { name: "g", lables: {} }, spec: {} },
      { apiVersion: "example.io/v1beta1", kind: "Gadget", metadata: { name: "g" }, spec: {} },
    ]);
    expect(results.map((r) => [r.status, r.validationErrors.map((e) => `${e.path}: ${e.msg}`), r.msg.startsWith("could not find schema") ? "missing" : ""])).toEqual([
      ["valid", [], ""],
      ["valid", [], ""],
      ["invalid", ["/spec/interval: got number, want string"], ""],
      ["invalid", [expect.stringMatching(/^\/spec\/interval: '.*' does not match pattern/)], ""],
      ["invalid", ["/spec: additional properties 'intervall' not allowed"], ""],
      ["invalid", [expect.stringMatching(/^\/spec\/mode: value must be one of 'Off', 'Auto'/)], ""],
      ["invalid", ["/spec/port: 'anyOf' failed"], ""],
      ["invalid", [": additional properties 'extra' not allowed"], ""],
      ["invalid", ["/metadata: additional properties 'lables' not allowed"], ""],
      ["error", [], "missing"],
    ]);
  });
});

describe("when reading a Helm-templated CRD file", () => {
  it("should drop lines that are only template actions and keep the rest", () => {
    const text = ['{{- if .Values.crds.enabled }}', "apiVersion: apiextensions.k8s.io/v1", "metadata:", "  labels:", '    {{- include "x.labels" . | nindent 4 }}', "  description: use {{ .path }} here", "{{- end }}"].join("\n");
    expect(stripHelmTemplateLines(text)).toBe(["apiVersion: apiextensions.k8s.io/v1", "metadata:", "  labels:", "  description: use {{ .path }} here"].join("\n"));
  });
});
