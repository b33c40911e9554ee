// Renders a Kustomize folder as `kubectl kustomize FOLDER` does, for machines without a kubectl
// (KubernetesValidator uses kubectl wherever there is one, and KubernetesManifestTests checks there
// that both give the same objects). It implements only the part of Kustomize that deploy/kubernetes
// uses, and refuses everything else by name, so that it never renders differently from kubectl:
//   - a kustomization.yaml (or .yml, or Kustomization) with apiVersion kustomize.config.k8s.io/v1beta1,
//     kind Kustomization, resources: and patches:, and no other field (images:, namePrefix:, labels:,
//     generators, ... are refused);
//   - resources: files of Kubernetes objects (in or below the kustomization's folder; a List is
//     refused), and folders with a kustomization of their own, rendered recursively; an object listed
//     twice, a remote resource and a cycle are errors;
//   - patches: entries with path: alone (target:, patch: and options: are refused), each document of
//     the file a strategic-merge patch of the one object with its apiVersion, kind, name and namespace
//     (a JSON 6902 patch is refused). As kustomize merges: maps recursively; null deletes a field and
//     is dropped from what a patch adds; lists of maps with a Kubernetes merge key by that key
//     (containers, initContainers, ephemeralContainers, env, volumes and imagePullSecrets by name,
//     volumeMounts by mountPath, a container's ports by containerPort, a Service's by port), the
//     patch's entries first, in its order, then the object's others in theirs; lists of scalars are
//     replaced. Refused: patch directives ($patch, $retainKeys, $setElementOrder, $deleteFromPrimitiveList),
//     a list of maps with no merge key here where the object has the list already, finalizers (a set).
// Files are read as YAML 1.1, as kubectl reads manifests; a plain scalar that YAML 1.2 reads otherwise
// is refused (read()), and what is written is checked to read back as the objects rendered.
//
//   node render.mjs FOLDER [--output FILE]
// writes the objects as a YAML stream to FILE (or stdout), in the order of resources:; on anything it
// cannot render as kustomize would, prints why to stderr and exits 1.
import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments, stringify } from "yaml";

class Refused extends Error {}
const refuse = message => { throw new Refused(message); };

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const KUSTOMIZATION_FIELDS = new Set(["apiVersion", "kind", "resources", "patches"]);
let patchedKind; // the kind of the object being patched, for mergeKey
const DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

/** The merge key of a list, by its field name and where it is, or undefined when it has none here. */
function mergeKey(field, at) {
  switch (field) {
    case "containers": case "initContainers": case "ephemeralContainers":
    case "env": case "volumes": case "imagePullSecrets":
      return "name";
    case "volumeMounts":
      return "mountPath";
    case "ports": // a container's, or a Service's
      if (/(^|\.)(containers|initContainers|ephemeralContainers)\[\d+\]$/.test(at)) return "containerPort";
      if (at === "spec" && patchedKind === "Service") return "port";
      return undefined;
    default:
      return undefined;
  }
}

function main() {
  const args = process.argv.slice(2);
  let output = null;
  const outputAt = args.indexOf("--output");
  if (outputAt >= 0) [, output] = args.splice(outputAt, 2);
  if (args.length !== 1) refuse("usage: node render.mjs FOLDER [--output FILE]");
  const objects = build(path.resolve(args[0]), []);
  const text = objects.map(o => stringify(o, { version: "1.1", lineWidth: 0 })).join("---\n");
  // What is written must read back as the same objects (YAML 1.1: "yes", "0400", "1:20" quoted).
  const back = read(text, "(the rendered output)");
  if (!isDeepStrictEqual(back, objects)) refuse("the rendered YAML does not read back as the objects rendered (a bug in render.mjs)");
  if (output) fs.writeFileSync(output, text);
  else process.stdout.write(text);
}

/** The objects of the kustomization in folder (an absolute path); chain is the folders that include it. */
function build(folder, chain) {
  if (chain.includes(folder)) refuse(`${folder}: a cycle of kustomizations (${[...chain, folder].join(" -> ")})`);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) refuse(`${folder}: not a folder`);
  const found = KUSTOMIZATION_FILES.filter(name => fs.existsSync(path.join(folder, name)));
  if (found.length === 0) refuse(`${folder}: no ${KUSTOMIZATION_FILES.join(", ")}`);
  if (found.length > 1) refuse(`${folder}: more than one kustomization file (${found.join(", ")})`);
  const file = path.join(folder, found[0]);
  const documents = read(fs.readFileSync(file, "utf8"), file);
  if (documents.length !== 1 || !isMap(documents[0])) refuse(`${file}: not one kustomization`);
  const kustomization = documents[0];

  for (const field of Object.keys(kustomization))
    if (!KUSTOMIZATION_FIELDS.has(field))
      refuse(`${file}: render.mjs does not support the kustomization field '${field}' (only ${[...KUSTOMIZATION_FIELDS].join(", ")}); render with kubectl kustomize`);
  if ("apiVersion" in kustomization && kustomization.apiVersion !== "kustomize.config.k8s.io/v1beta1")
    refuse(`${file}: apiVersion '${kustomization.apiVersion}' is not kustomize.config.k8s.io/v1beta1`);
  if ("kind" in kustomization && kustomization.kind !== "Kustomization")
    refuse(`${file}: kind '${kustomization.kind}' is not Kustomization`);

  const objects = [];
  for (const entry of list(kustomization, "resources", file)) {
    if (typeof entry !== "string" || entry.length === 0) refuse(`${file}: resources: '${JSON.stringify(entry)}' is not a path`);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.startsWith("git@"))
      refuse(`${file}: resources: '${entry}' is remote; render.mjs reads local files and folders only`);
    const target = path.resolve(folder, entry);
    if (!fs.existsSync(target)) refuse(`${file}: resources: '${entry}' does not exist`);
    if (fs.statSync(target).isDirectory()) {
      add(objects, build(target, [...chain, folder]), `${file}: resources: '${entry}'`);
    } else {
      within(folder, target, `${file}: resources: '${entry}'`);
      add(objects, readObjects(target), `${file}: resources: '${entry}'`);
    }
  }

  for (const entry of list(kustomization, "patches", file)) {
    if (!isMap(entry)) refuse(`${file}: patches: ${JSON.stringify(entry)} is not a map`);
    for (const field of Object.keys(entry))
      if (field !== "path") refuse(`${file}: render.mjs does not support '${field}' in patches (only path:); render with kubectl kustomize`);
    if (typeof entry.path !== "string") refuse(`${file}: patches: an entry without path:`);
    const patchFile = path.resolve(folder, entry.path);
    within(folder, patchFile, `${file}: patches: '${entry.path}'`);
    if (!fs.existsSync(patchFile) || !fs.statSync(patchFile).isFile()) refuse(`${file}: patches: '${entry.path}' is not a file`);
    const patches = read(fs.readFileSync(patchFile, "utf8"), patchFile);
    if (patches.length === 0) refuse(`${patchFile}: no patch`);
    for (const [index, patch] of patches.entries()) {
      const where = `${patchFile}#${index}`;
      if (!isMap(patch)) refuse(`${where}: a strategic-merge patch is a map (a JSON 6902 patch is a list: not supported)`);
      const targets = objects.filter(o => sameId(o, patch));
      if (targets.length !== 1) refuse(`${where}: patches ${id(patch)}, which ${targets.length === 0 ? "is not" : "is more than once"} among the resources`);
      const i = objects.indexOf(targets[0]);
      patchedKind = targets[0].kind;
      objects[i] = merge(targets[0], patch, "", where);
    }
  }
  return objects;
}

/** The Kubernetes objects of a resource file: every document must be one (a List is not expanded here). */
function readObjects(file) {
  const objects = read(fs.readFileSync(file, "utf8"), file);
  for (const [index, object] of objects.entries()) {
    const where = `${file}#${index}`;
    if (!isMap(object)) refuse(`${where}: not a Kubernetes object`);
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") refuse(`${where}: apiVersion and kind must both be set`);
    if (object.apiVersion.startsWith("kustomize.config.k8s.io/")) refuse(`${where}: a ${object.kind} in resources: is not supported by render.mjs`);
    if (object.kind.endsWith("List")) refuse(`${where}: a ${object.kind} (kustomize expands its items) is not supported by render.mjs`);
    if (!isMap(object.metadata) || typeof object.metadata.name !== "string" || object.metadata.name === "") refuse(`${where}: metadata.name must be set`);
  }
  return objects;
}

/** Adds objects, refusing one that is already there, as kustomize does ("already registered id"). */
function add(objects, more, where) {
  for (const object of more) {
    if (objects.some(o => sameId(o, object))) refuse(`${where}: ${id(object)} is already among the resources`);
    objects.push(object);
  }
}

/**
 * The strategic merge of patch into original (a copy; neither changes): at is the field's path, and
 * parent that of the map holding it, field its name there ("" for a list's item or the document).
 */
function merge(original, patch, at, where, field = "", parent = "") {
  if (patch === null) return undefined; // null deletes the field
  if (isMap(patch)) {
    if (original !== undefined && !isMap(original)) refuse(`${where}: ${at || "(document)"} is a map in the patch and not in the object`);
    const result = { ...(original ?? {}) };
    for (const [key, value] of Object.entries(patch)) {
      if (DIRECTIVE.test(key)) refuse(`${where}: ${join(at, key)}: render.mjs does not support the patch directive '${key}'; render with kubectl kustomize`);
      const merged = merge(result[key], value, join(at, key), where, key, at);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    }
    return result;
  }
  if (Array.isArray(patch)) {
    if (original !== undefined && !Array.isArray(original)) refuse(`${where}: ${at} is a list in the patch and not in the object`);
    if (field === "finalizers") refuse(`${where}: ${at}: render.mjs does not merge lists of scalars (finalizers merge as a set in kustomize)`);
    const key = mergeKey(field, parent);
    if (key === undefined) {
      if (!patch.some(item => isMap(item) || Array.isArray(item))) {
        for (const [i, item] of patch.entries()) if (item === null) refuse(`${where}: ${at}[${i}] is null`);
        return structuredClone(patch); // a list of scalars: replaced
      }
      // A list of maps with no merge key known here: only where the object has none, and with no null to drop.
      if (original === undefined && !hasNull(patch)) return structuredClone(patch);
      refuse(`${where}: ${at}: render.mjs knows no merge key for this list; render with kubectl kustomize`);
    }
    if (!patch.every(isMap) || (original ?? []).some(item => !isMap(item))) refuse(`${where}: ${at}: a list merged by ${key} must hold maps`);
    for (const [i, item] of patch.entries())
      if (item[key] === undefined || item[key] === null) refuse(`${where}: ${at}[${i}] has no ${key} (the list's merge key)`);
    const rest = [...(original ?? [])];
    const result = [];
    for (const [i, item] of patch.entries()) {
      const match = rest.findIndex(o => isDeepStrictEqual(o[key], item[key]));
      const base = match >= 0 ? rest.splice(match, 1)[0] : undefined;
      result.push(merge(base, item, `${at}[${i}]`, where));
    }
    return [...result, ...rest]; // the patch's entries first, then the others in their order, as kustomize does (an empty patch list keeps the object's)
  }
  return patch; // a scalar: replaced
}

/**
 * The documents of a file, read as YAML 1.1 (as kubectl reads them). A plain scalar that YAML 1.2 reads
 * otherwise (yes, on, y, n, 1:20, 0o17, a date) is refused: kustomize reads some such as 1.2 and some as
 * 1.1, so render.mjs cannot know what kubectl kustomize makes of it. Octal numbers (0400) kustomize
 * reads as 1.1 does, and so does render.mjs.
 */
function read(text, where) {
  const options = { uniqueKeys: true, prettyErrors: false };
  const documents = parseAllDocuments(text, { ...options, version: "1.1" });
  const as12 = parseAllDocuments(text, { ...options, version: "1.2" });
  const objects = [];
  for (const [index, document] of documents.entries()) {
    const problems = [...document.errors, ...document.warnings];
    if (problems.length > 0) refuse(`${where}#${index}: YAML: ${problems.map(p => p.message).join("; ")}`);
    if (document.contents === null) continue; // an empty document, as after a trailing '---'
    const object = document.toJS();
    same(object, as12[index].toJS(), `${where}#${index}`, "");
    objects.push(object);
  }
  return objects;
}

/** Refuses where the YAML 1.1 reading (v11) and the 1.2 one (v12) differ, but for octal numbers; and numbers kustomize cannot write. */
function same(v11, v12, where, at) {
  if (isMap(v11) && isMap(v12)) {
    const keys11 = Object.keys(v11), keys12 = Object.keys(v12);
    if (!isDeepStrictEqual(keys11, keys12)) refuse(`${where}: ${at || "(document)"}: keys read differently as YAML 1.1 and 1.2 (${keys11} / ${keys12}); quote them`);
    for (const key of keys11) same(v11[key], v12[key], where, join(at, key));
  } else if (Array.isArray(v11) && Array.isArray(v12) && v11.length === v12.length) {
    v11.forEach((item, i) => same(item, v12[i], where, `${at}[${i}]`));
  } else if (!Object.is(v11, v12)) {
    const octal = typeof v11 === "number" && Number.isInteger(v12) && /^-?[0-7]+$/.test(String(v12)) && parseInt(String(v12), 8) === v11;
    if (!octal) refuse(`${where}: ${at}: ${JSON.stringify(v12)} reads as ${v11 instanceof Date ? "a date" : typeof v11 === "number" ? v11 : JSON.stringify(v11)} in YAML 1.1: kustomize's reading is not certain; quote it`);
  } else if (typeof v11 === "number" && !Number.isFinite(v11)) {
    refuse(`${where}: ${at}: ${v11} is no number kustomize can write`);
  }
}

function list(kustomization, field, file) {
  const value = kustomization[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) refuse(`${file}: ${field}: is not a list`);
  return value;
}

/** Refuses a file outside folder, as kustomize's default load restrictor does. */
function within(folder, file, where) {
  const relative = path.relative(fs.realpathSync(folder), fs.existsSync(file) ? fs.realpathSync(file) : file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) refuse(`${where}: is not in or below ${folder}`);
}

function sameId(a, b) {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.metadata?.name === b.metadata?.name
    && (a.metadata?.namespace || "default") === (b.metadata?.namespace || "default");
}

const id = o => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`;
const hasNull = value => value === null || (typeof value === "object" && !(value instanceof Date) && Object.values(value).some(hasNull));
const isMap = value => value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
const join = (at, key) => (at ? `${at}.${key}` : key);

try {
  main();
} catch (e) {
  process.stderr.write(`render.mjs: ${e instanceof Refused ? e.message : e.stack}\n`);
  process.exitCode = 1;
}
