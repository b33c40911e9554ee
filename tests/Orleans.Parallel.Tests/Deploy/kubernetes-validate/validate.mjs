// Validates Kubernetes manifests offline and strictly against the Kubernetes API's schemas, as
// kubernetes-models generates them from Kubernetes' own OpenAPI document:
//   1. every file parses as YAML 1.1 (as kubectl reads it), duplicate keys being errors;
//   2. every document names a kind the API has (apiVersion and kind);
//   3. it holds to that kind's JSON schema: required fields set, types, enums, formats;
//   4. it has no unknown field. The JSON schemas allow any extra field, so this step compiles the
//      documents as TypeScript object literals typed by the same models' interfaces, whose strict
//      excess-property check names every field the API does not have.
// Kustomization documents are parsed and passed through unchecked: kustomize checks those itself.
//
//   node validate.mjs [--out RESULT.json] FILE...
// writes one JSON object to RESULT.json (or prints it), { "documents": [{ "file", "index", "object" }],
// "errors": ["FILE#INDEX PATH: ..."] }, prints the errors to stderr, and exits 1 when there are any.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));
const documents = [];
const errors = [];
const args = process.argv.slice(2);
const out = args[0] === "--out" ? args.splice(0, 2)[1] : null;

for (const file of args) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    errors.push(`${file}: ${e.message}`);
    continue;
  }
  parseAllDocuments(text, { version: "1.1", uniqueKeys: true }).forEach((doc, index) => {
    const where = `${file}#${index}`;
    for (const problem of [...doc.errors, ...doc.warnings]) errors.push(`${where}: YAML: ${problem.message}`);
    if (doc.errors.length > 0 || doc.contents === null) return; // a trailing '---' is an empty document, not an error
    const object = doc.toJS();
    if (object === null || typeof object !== "object" || Array.isArray(object)) {
      errors.push(`${where}: not an object`);
      return;
    }
    documents.push({ file, index, object });
  });
}

// The schema of each document's kind: kubernetes-models/<group/version or v1>/<Kind>.
const checked = [];
for (const document of documents) {
  const where = `${document.file}#${document.index}`;
  const { apiVersion, kind } = document.object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    errors.push(`${where}: apiVersion and kind must both be set`);
    continue;
  }
  if (apiVersion.startsWith("kustomize.config.k8s.io/")) continue;
  const module = `kubernetes-models/${apiVersion}/${kind}`;
  let model;
  try {
    model = (await import(module))[kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== "function") {
    errors.push(`${where}: ${apiVersion} ${kind} is not a kind of the Kubernetes API`);
    continue;
  }
  try {
    new model(document.object).validate();
  } catch (e) {
    errors.push(`${where}: ${apiVersion} ${kind}: ${e.message}`);
  }
  checked.push({ document, where, module, type: `I${kind}` });
}

if (checked.length > 0) errors.push(...unknownFields(checked));

const result = JSON.stringify({ documents, errors });
if (out) fs.writeFileSync(out, result);
else process.stdout.write(result + "\n");
for (const error of errors) process.stderr.write(error + "\n");
process.exitCode = errors.length > 0 ? 1 : 0;

/** Step 4: one TypeScript file with a typed constant per document; its compile errors, by document and field path. */
function unknownFields(checked) {
  const imports = [...new Map(checked.map(c => [c.module, c.type]))].map(([module, type]) => `import type { ${type} } from "${module}";`);
  const lines = [...imports];
  const ranges = [];
  checked.forEach((c, i) => {
    const first = lines.length;
    lines.push(...`export const document${i}: ${c.type} = ${JSON.stringify(c.document.object, null, 2)};`.split("\n"));
    ranges.push({ first, last: lines.length - 1, where: c.where });
  });
  // Beside node_modules, so that the models resolve; named by process, so that runs at once do not meet.
  const source = path.join(here, `check-${process.pid}.ts`);
  fs.writeFileSync(source, lines.join("\n") + "\n");
  try {
    const options = {
      strict: true, noEmit: true, skipLibCheck: true, types: [],
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    };
    const program = ts.createProgram([source], options, ts.createCompilerHost(options, /* setParentNodes */ true));
    const file = program.getSourceFile(source);
    const at = position => {
      const line = file.getLineAndCharacterOfPosition(position).line;
      return `${ranges.find(r => r.first <= line && line <= r.last)?.where ?? "imports"} ${fieldPath(file, position)}`;
    };
    // The compiler stops at the first mismatch of a document, so unknown fields are found by walking
    // every object literal against the type it is checked as; its other errors (types) are kept.
    const excessProperty = new Set([2353, 2561]);
    const problems = ts.getPreEmitDiagnostics(program)
      .filter(d => !excessProperty.has(d.code))
      .map(d => d.file === file ? `${at(d.start)}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}` : `TypeScript, in the schemas themselves: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    const checker = program.getTypeChecker();
    const visit = node => {
      if (ts.isObjectLiteralExpression(node)) {
        const type = checker.getContextualType(node)?.getNonNullableType();
        const known = type && (type.isUnion() ? type.types : [type]);
        if (known && !known.some(t => t.getStringIndexType())) // labels, annotations, data: any key
          for (const property of node.properties)
            if (ts.isPropertyAssignment(property) && !known.some(t => t.getProperty(property.name.text)))
              problems.push(`${at(property.name.getStart(file))}: unknown field (${checker.typeToString(type)} has no '${property.name.text}')`);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    return problems;
  } finally {
    fs.rmSync(source, { force: true });
  }
}

/** The JSON path (spec.containers[0].name) of the innermost object literal part at a position. */
function fieldPath(file, position) {
  let node = file;
  for (let deeper = true; deeper;) {
    deeper = false;
    ts.forEachChild(node, child => {
      if (!deeper && child.getStart(file) <= position && position < child.getEnd()) {
        node = child;
        deeper = true;
      }
    });
  }
  const parts = [];
  for (let n = node; n && !ts.isVariableDeclaration(n); n = n.parent) {
    if (ts.isPropertyAssignment(n)) parts.unshift(`.${n.name.text}`);
    else if (n.parent && ts.isArrayLiteralExpression(n.parent)) parts.unshift(`[${n.parent.elements.indexOf(n)}]`);
  }
  return parts.join("").replace(/^\./, "") || "(document)";
}
