// Validates Gateway API HTTPRoutes (gateway.networking.k8s.io/v1) for validate.py.
//
//   node httproute-check.mjs <npm prefix with node_modules> <input.json>
//
// input.json: [{"id": "...", "doc": {...}}, ...]; prints {"<id>": ["error", ...], ...}.
//
// Two checks, both from the npm package @kubernetes-models/gateway-api (generated from the
// Gateway API's Go types and CRD schemas):
//  1. its ajv validator: required fields, enums, patterns, lengths, value types;
//  2. its TypeScript declarations, through the TypeScript checker: each document becomes an
//     object literal typed as IHTTPRoute, and TypeScript's excess-property check rejects every
//     field the API does not define, at any depth. (The ajv schemas allow unknown fields, so
//     this second check is what makes the validation strict.)
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [prefix, inputPath] = process.argv.slice(2);
if (!prefix || !inputPath) {
  console.error("usage: node httproute-check.mjs <npm prefix> <input.json>");
  process.exit(2);
}
const modules = join(prefix, "node_modules");
const ts = createRequire(join(modules, "noop.js"))("typescript");
const { HTTPRoute } = await import(
  pathToFileURL(join(modules, "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute.js")).href
);

const items = JSON.parse(readFileSync(inputPath, "utf8"));
const errors = Object.fromEntries(items.map((it) => [it.id, []]));

// 1. Schema constraints (ajv).
for (const { id, doc } of items) {
  try {
    new HTTPRoute(doc).validate();
  } catch (e) {
    const details = e.errors ?? [];
    if (details.length === 0) errors[id].push(String(e.message ?? e));
    for (const d of details) {
      errors[id].push(`${d.instancePath || "/"}: ${d.message}${d.params?.allowedValues ? ` ${JSON.stringify(d.params.allowedValues)}` : ""}`);
    }
  }
}

// 2. Closed set of fields and their types (TypeScript excess-property and type checks).
// The source lives inside the npm prefix so that module resolution finds node_modules.
// Line i + 1 holds document i.
const dir = mkdtempSync(join(prefix, ".httproute-check-"));
try {
  const file = join(dir, "routes.mts");
  const lines = ['import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";'];
  items.forEach(({ doc }, i) => lines.push(`export const doc${i}: IHTTPRoute = ${JSON.stringify(doc)};`));
  writeFileSync(file, lines.join("\n") + "\n");
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  for (const diag of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diag.messageText, " ");
    if (!diag.file || diag.file.fileName !== program.getSourceFile(file)?.fileName) {
      // The declarations themselves failed to load: every document is unchecked.
      for (const id of Object.keys(errors)) errors[id].push(`TypeScript: ${message}`);
      continue;
    }
    const { line } = diag.file.getLineAndCharacterOfPosition(diag.start);
    const item = items[line - 1];
    if (!item) {
      for (const id of Object.keys(errors)) errors[id].push(`TypeScript: ${message}`);
      continue;
    }
    errors[item.id].push(`${jsonPathAt(diag.file, diag.start)}: ${message}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(JSON.stringify(errors));

// The JSON path (/spec/rules/0/...) of the literal at a position of the generated source.
function jsonPathAt(sourceFile, pos) {
  const chain = [];
  const visit = (node) => {
    if (pos >= node.getStart(sourceFile) && pos < node.getEnd()) {
      chain.push(node);
      ts.forEachChild(node, visit);
    }
  };
  visit(sourceFile);
  const parts = [];
  for (let i = 0; i < chain.length; i++) {
    const node = chain[i];
    if (ts.isPropertyAssignment(node)) parts.push(node.name.text ?? node.name.getText(sourceFile));
    if (ts.isArrayLiteralExpression(node) && chain[i + 1]) parts.push(String(node.elements.indexOf(chain[i + 1])));
  }
  return "/" + parts.join("/");
}
