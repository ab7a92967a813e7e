// Lists the functions of the packages' sources longer than a limit (default 100 lines), longest
// first, and exits non-zero when there is one: a function that long is a sign to split by concern.
// Counts every function-like node (declarations, methods, arrows, function expressions), each over
// its own lines, nested functions included in their parent's length. Tests are not counted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const limit = Number(process.argv[2] ?? 100);

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'test-support') yield* sourceFiles(path);
    } else if (
      /\.tsx?$/.test(name) &&
      !/\.test(-d)?\.tsx?$/.test(name) &&
      !name.endsWith('.d.ts')
    ) {
      yield path;
    }
  }
}

function nameOf(node, file) {
  if (node.name !== undefined) return node.name.getText(file);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText(file);
  }
  return '(anonymous)';
}

const long = [];
const packagesDir = join(root, 'packages');
for (const pkg of readdirSync(packagesDir)) {
  const src = join(packagesDir, pkg, 'src');
  if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) continue;
  for (const path of sourceFiles(src)) {
    const text = readFileSync(path, 'utf8');
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
        const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
        const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = end - start + 1;
        if (lines > limit) {
          long.push({
            lines,
            where: `${relative(root, path)}:${start + 1}`,
            name: nameOf(node, file),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
}
long.sort((a, b) => b.lines - a.lines);
for (const { lines, where, name } of long)
  console.log(`${String(lines).padStart(5)}  ${name}  ${where}`);
console.log(
  long.length === 0
    ? `No function in packages/*/src is over ${limit} lines.`
    : `${long.length} functions over ${limit} lines.`,
);
process.exit(long.length === 0 ? 0 : 1);
