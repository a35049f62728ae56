/**
 * JSON Schemas for kubeconform from the CustomResourceDefinitions the
 * manifests use (Knative Serving's, Flagger's), as kubeconform's own
 * openapi2jsonschema makes them: one file per kind and version, laid out as
 * `{group}/{kind}_{version}.json`, objects closed to unknown fields (strict)
 * unless the CRD keeps them, and int-or-string fields as either.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export interface KindSchema {
  group: string;
  kind: string;
  version: string;
  schema: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: CRD documents and schemas are walked as plain data
type Json = any;

/** Every served version of every CRD in the YAML text. */
export function schemasFromCrds(crdYaml: string): KindSchema[] {
  const kinds: KindSchema[] = [];
  for (const doc of parseAllDocuments(crdYaml).map((d) => d.toJS() as Json)) {
    if (doc?.kind !== "CustomResourceDefinition") continue;
    for (const version of doc.spec.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (!version.served || !schema) continue;
      kinds.push({
        group: doc.spec.group,
        kind: String(doc.spec.names.kind).toLowerCase(),
        version: version.name,
        schema: strict(schema),
      });
    }
  }
  return kinds;
}

/** A copy where objects with declared properties refuse others, as kubeconform -strict expects. */
export function strict(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== "object") return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = strict(value);
  if (out["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (out.properties && out.additionalProperties === undefined && !out["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  return out;
}

/** Writes the schemas of every CRD file under `dir`; returns kubeconform's -schema-location template. */
export async function writeSchemas(crdFiles: string[], dir: string): Promise<string> {
  for (const kind of crdFiles.flatMap((file) => schemasFromCrds(readFileSync(file, "utf8")))) {
    await mkdir(join(dir, kind.group), { recursive: true });
    await writeFile(join(dir, kind.group, `${kind.kind}_${kind.version}.json`), JSON.stringify(kind.schema));
  }
  return `${dir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`;
}
