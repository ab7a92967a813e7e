// Lists the import cycles among the packages' sources and exits non-zero when there is one: a
// module that reaches itself again through its imports loads half-initialised, and is a sign two
// concerns have grown into each other. Reads packages/*/src with TypeScript's parser: every
// `import` and `export … from` (type-only ones too: a cycle of types is still a tangle to read),
// and `import('…')` of a literal path. Relative paths and the package's own `#` imports are
// followed; other packages are not (their direction is a lint rule). Tests are included.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = /\.(ts|tsx|mts)$/;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules') yield* sourceFiles(path);
    } else if (SOURCE.test(name) && !name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

/** The source file an import of `specifier` names, from a file in `dir`; `null` when none. */
function resolveFile(dir, specifier) {
  const base = resolve(dir, specifier);
  const stem = base.replace(/\.(m?js|jsx)$/, '');
  for (const candidate of [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ]) {
    if (SOURCE.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) {
      return candidate;
    }
  }
  return null;
}

/** Every file a `#name` import can stand for: each source target of the package's `imports`. */
function hashTargets(pkgDir, specifier) {
  const manifest = join(pkgDir, 'package.json');
  const entry = JSON.parse(readFileSync(manifest, 'utf8')).imports?.[specifier];
  const targets = [];
  const collect = (value) => {
    if (typeof value === 'string') {
      const file = resolveFile(pkgDir, value);
      if (file?.startsWith(join(pkgDir, 'src'))) targets.push(file);
    } else if (value !== null && typeof value === 'object') {
      for (const nested of Object.values(value)) collect(nested);
    }
  };
  collect(entry);
  return [...new Set(targets)];
}

function specifiersOf(file) {
  const text = readFileSync(file, 'utf8');
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const specifiers = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

// The graph: each source file and the source files it imports.
const graph = new Map();
const packagesDir = join(root, 'packages');
for (const pkg of readdirSync(packagesDir)) {
  const pkgDir = join(packagesDir, pkg);
  const src = join(pkgDir, 'src');
  if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) continue;
  for (const file of sourceFiles(src)) {
    const edges = new Set();
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith('.')) {
        const target = resolveFile(dirname(file), specifier);
        if (target !== null) edges.add(target);
      } else if (specifier.startsWith('#')) {
        for (const target of hashTargets(pkgDir, specifier)) edges.add(target);
      }
    }
    graph.set(file, edges);
  }
}

// Tarjan's strongly connected components: a component of two or more files, or a file that
// imports itself, holds a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function connect(file) {
  index.set(file, counter);
  low.set(file, counter);
  counter++;
  stack.push(file);
  onStack.add(file);
  for (const next of graph.get(file) ?? []) {
    if (!index.has(next)) {
      connect(next);
      low.set(file, Math.min(low.get(file), low.get(next)));
    } else if (onStack.has(next)) {
      low.set(file, Math.min(low.get(file), index.get(next)));
    }
  }
  if (low.get(file) === index.get(file)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.has(file)) components.push(component);
  }
}
for (const file of graph.keys()) if (!index.has(file)) connect(file);

/** One cycle through `start` inside its component, as a list of files ending where it began. */
function cycleThrough(start, members) {
  const inside = new Set(members);
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of graph.get(file) ?? []) {
      if (next === start) {
        const path = [start];
        for (let at = file; at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (inside.has(next) && !previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

const name = (file) => relative(root, file);
for (const component of components) {
  const start = component.map(name).sort()[0];
  const cycle = cycleThrough(join(root, start), component);
  console.log(`cycle (${component.length} files): ${cycle.map(name).join(' → ')}`);
}
console.log(
  components.length === 0
    ? `No import cycles among ${graph.size} files of packages/*/src.`
    : `${components.length} import cycles among ${graph.size} files of packages/*/src.`,
);
process.exit(components.length === 0 ? 0 : 1);
