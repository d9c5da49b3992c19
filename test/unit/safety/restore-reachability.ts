import { relative } from 'node:path';
import ts from 'typescript';

/**
 * Which code can reach an AWS operation that removes something: a static call graph over the
 * TypeScript program. A removal (its `new XCommand(` inside a port method under src/aws/) may only
 * be reached from restore code: a function, method or property named restore* (a step's
 * `restore`, a restore helper), a function inside such a property (`restore: { apply }`), or a
 * file whose path says restore. Any other way in (a step's
 * `apply`, a command, a helper that apply also calls) is a violation.
 */
export interface Violation {
  operation: string;
  /** The port method that sends it, then each caller up to the entry point that is not restore code. */
  chain: string[];
}

const isRestoreName = (name: string | undefined) => name !== undefined && /^restore/i.test(name);

/** A function inside a `restore*: { ... }` property: a step's restore written as plan and apply. */
function inRestoreProperty(fn: ts.Node): boolean {
  for (let node = fn.parent; node; node = node.parent)
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && isRestoreName(node.name.text))
      return true;
  return false;
}

type Named = ts.FunctionLikeDeclaration & { name?: ts.PropertyName };

/** The name a function goes by: its own, its property's, or its variable's. */
function nameOf(fn: ts.Node): string | undefined {
  const own = (fn as Named).name;
  if (own && (ts.isIdentifier(own) || ts.isStringLiteral(own))) return own.text;
  const parent = fn.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) &&
    ts.isIdentifier(parent.name)
  )
    return parent.name.text;
  return undefined;
}

const where = (node: ts.Node, root: string) => {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${relative(root, file.fileName)}:${line + 1}`;
};

export function restoreOnlyViolations(
  program: ts.Program,
  options: { root: string; isPortFile: (path: string) => boolean; restoreOnly: ReadonlySet<string> },
): Violation[] {
  const checker = program.getTypeChecker();
  const files = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && f.fileName.startsWith(options.root));
  const symbolOf = (node: ts.Node) => {
    const symbol = checker.getSymbolAtLocation(node);
    return symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  };

  // Identifiers by their text, resolved to symbols only when that name is traced: resolving every
  // identifier of the program would type-check all of it.
  const byName = new Map<string, ts.Identifier[]>();
  const removals: { operation: string; node: ts.NewExpression }[] = [];
  for (const file of files) {
    const visit = (node: ts.Node) => {
      if (ts.isIdentifier(node)) byName.set(node.text, [...(byName.get(node.text) ?? []), node]);
      if (options.isPortFile(file.fileName) && ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        const operation = /^(\w+)Command$/.exec(node.expression.text)?.[1];
        if (operation && options.restoreOnly.has(operation)) removals.push({ operation, node });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  // A name being declared, imported or exported is not a use of it.
  const isDeclarationName = (id: ts.Identifier) =>
    !ts.isPropertyAccessExpression(id.parent) && (id.parent as { name?: ts.Node }).name === id;

  /** A member named `name` declared in a port file: what `ctx.aws.iam.name(...)` resolves to. */
  const isPortMember = (symbol: ts.Symbol) =>
    (symbol.declarations ?? []).some(
      (d) =>
        options.isPortFile(d.getSourceFile().fileName) &&
        (ts.isMethodSignature(d) ||
          ts.isPropertySignature(d) ||
          ts.isMethodDeclaration(d) ||
          ts.isPropertyAssignment(d)),
    );

  /** Uses of a function: of its own symbol, or for a method in an object literal, of the port member it implements. */
  const usesOf = (fn: ts.SignatureDeclaration, name: string) => {
    const declaration = (fn as Named).name ?? (fn.parent as { name?: ts.Node }).name;
    const own = declaration ? symbolOf(declaration) : undefined;
    const inObject = ts.isObjectLiteralExpression(fn.parent) || ts.isPropertyAssignment(fn.parent);
    return (byName.get(name) ?? []).filter((id) => {
      if (isDeclarationName(id)) return false;
      const symbol = symbolOf(id);
      return symbol !== undefined && (symbol === own || (inObject && isPortMember(symbol)));
    });
  };

  const violations: Violation[] = [];

  /** Follows `node` up to restore code; records every way in that is not. */
  const trace = (node: ts.Node, operation: string, chain: string[], seen: Set<ts.Node>) => {
    if (/restore/i.test(relative(options.root, node.getSourceFile().fileName))) return;
    for (let fn = node.parent; fn; fn = fn.parent) {
      if (!ts.isFunctionLike(fn)) continue;
      const name = nameOf(fn);
      if (isRestoreName(name) || inRestoreProperty(fn)) return;
      if (!name) continue; // an anonymous callback: its caller is the function around it
      if (seen.has(fn)) return;
      seen.add(fn);
      const here = `${name} (${where(fn, options.root)})`;
      const uses = usesOf(fn, name);
      if (uses.length === 0)
        violations.push({ operation, chain: [...chain, here, '(not called from restore code)'] });
      for (const use of uses) trace(use, operation, [...chain, here], seen);
      return;
    }
    violations.push({ operation, chain: [...chain, `top level (${where(node, options.root)})`] });
  };

  for (const { operation, node } of removals) trace(node, operation, [], new Set());
  return violations;
}

/** The program tsconfig.json describes (src/), for the check over drp itself. */
export function srcProgram(projectDir: string): ts.Program {
  const configPath = ts.findConfigFile(projectDir, ts.sys.fileExists, 'tsconfig.json')!;
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, projectDir);
  // Only drp's own files: what is traced is drp's functions and port interfaces, and loading the
  // SDK's declarations (and the standard library's) would make this check take many seconds.
  return ts.createProgram(parsed.fileNames, {
    ...parsed.options,
    noEmit: true,
    noResolve: true,
    noLib: true,
    types: [],
  });
}
