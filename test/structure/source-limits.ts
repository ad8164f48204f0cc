/**
 * Measures files and functions with the TypeScript parser, for test/structure/limits.test.ts.
 */
import ts from "typescript";

export const MAX_FILE_LINES = 600;
export const MAX_FUNCTION_LINES = 80;

function functionName(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
  if (node.name !== undefined) return node.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText(source);
    const first = parent.arguments[0];
    const title = first !== undefined && ts.isStringLiteralLike(first) ? ` "${first.text.slice(0, 60)}"` : "";
    return `${callee}${title} callback`;
  }
  return "(anonymous)";
}

/** A `describe(...)` callback: a grouping of tests. */
function isDescribeCallback(node: ts.Node): boolean {
  const parent = node.parent;
  if (parent === undefined || !ts.isCallExpression(parent)) return false;
  const callee = parent.expression.getText();
  return (
    /^describe(\.(each\(.*\)|skip|sequential|concurrent))?$/s.test(callee) ||
    callee.startsWith("describe.each")
  );
}

export interface Offence {
  /** `path` for a long file, `path#name` for a long function. */
  readonly key: string;
  readonly lines: number;
  readonly where: string;
}

export function offences(file: string, text: string): Offence[] {
  const found: Offence[] = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const fileLines = source.getLineAndCharacterOfPosition(text.length).line + (text.endsWith("\n") ? 0 : 1);
  if (fileLines > MAX_FILE_LINES) {
    found.push({ key: file, lines: fileLines, where: file });
  }
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined && !isDescribeCallback(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = functionName(node as ts.FunctionLikeDeclaration, source);
        found.push({ key: `${file}#${name}`, lines, where: `${file}:${start + 1}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
