// Finds every regular expression in a source folder: the literals (by parsing with the TypeScript compiler) and
// the `new RegExp(...)` constructions (located, so a test can demand they are built from constants).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkSync } from 'recheck';
import ts from 'typescript';

export interface FoundRegex {
  file: string;
  line: number;
  source: string;
  flags: string;
}

export interface ScanResult {
  literals: FoundRegex[];
  /** Places that call the RegExp constructor: file:line and the code. */
  constructions: { file: string; line: number; code: string }[];
}

export function scanRegexes(root: string, folders: string[]): ScanResult {
  const result: ScanResult = { literals: [], constructions: [] };
  for (const folder of folders) for (const file of tsFiles(join(root, folder))) scanFile(root, file, result);
  return result;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function scanFile(root: string, path: string, result: ScanResult): void {
  const text = readFileSync(path, 'utf8');
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const file = relative(root, path);
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(sf);
      const end = literal.lastIndexOf('/');
      result.literals.push({ file, line: lineOf(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      result.constructions.push({ file, line: lineOf(node), code: node.getText(sf).slice(0, 120) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/**
 * recheck's verdict on one regex: the automaton checker first (it proves linear time), the fuzzer where the
 * automaton gives up (look-arounds, very large automata). ok only when "safe".
 */
export function redosVerdict(source: string, flags: string): { ok: boolean; detail: string } {
  const f = flags.replace(/[gy]/g, ''); // g/y change where a search starts, not how long it takes
  let r = checkSync(source, f, { checker: 'automaton', timeout: 3000 });
  // The fuzzer where the automaton gives up: seeded and bounded by steps, not wall time, so a loaded machine
  // gets the same verdict as an idle one.
  if (r.status === 'unknown')
    r = checkSync(source, f, {
      checker: 'fuzz',
      randomSeed: 1,
      timeout: 120_000,
      incubationTimeout: null,
      attackTimeout: null,
    });
  if (r.status === 'safe') return { ok: true, detail: r.complexity?.type ?? 'safe' };
  if (r.status === 'vulnerable')
    return { ok: false, detail: `vulnerable ${r.complexity.type} attack: ${r.attack.pattern}` };
  return { ok: false, detail: `unknown (${r.error.kind})` };
}
