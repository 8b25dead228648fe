// Reads the approval policy file (YAML; JSON is valid YAML too) and validates it. Every problem is reported
// at once with its line and field, so an admin fixes the file in one go and the bot refuses to start
// with a policy it cannot read.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { projectRoot } from '../project-root.js';
import { type PolicyFile, policyFileSchema } from './schema.js';

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid approval policy ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyFileError';
  }
}

/** Values for `${NAME}` / `${NAME:-default}` in the policy file (the bot passes its configuration). */
export type PolicyVariables = Readonly<Record<string, unknown>>;

/**
 * Fills `${NAME}` and `${NAME:-default}` from vars, line by line so errors keep their line numbers. This is
 * how one policy file serves every tenant: group ids come from APPROVER_GROUP_ID and SENIOR_APPROVER_GROUP_ID.
 */
export function substituteVariables(source: string, vars: PolicyVariables): { text: string; problems: string[] } {
  const problems: string[] = [];
  const lines = source.split('\n').map((line, index) =>
    line.startsWith('#') || line.trimStart().startsWith('#')
      ? line
      : line.replace(/\$\{([A-Z][A-Z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
          const value = vars[name];
          if (typeof value === 'string' && value !== '') return value;
          if (typeof value === 'number' || typeof value === 'boolean') return String(value);
          if (fallback !== undefined) return fallback;
          problems.push(`line ${index + 1}: \${${name}} is not set and has no default`);
          return '';
        }),
  );
  return { text: lines.join('\n'), problems };
}

/** Parses and validates policy text; `file` only names the source in messages. */
export function parsePolicy(raw: string, file = 'approval-policy.yaml', vars: PolicyVariables = {}): PolicyFile {
  const { text: source, problems: missing } = substituteVariables(raw, vars);
  if (missing.length > 0) throw new PolicyFileError(file, missing);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyFileError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return `line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const result = policyFileSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const path = issue.path;
    // The deepest node that exists: a missing field is reported at its parent's line.
    let depth = path.length;
    let node: unknown = doc.getIn(path, true);
    while (depth > 0 && !isNode(node)) {
      depth--;
      node = doc.getIn(path.slice(0, depth), true);
    }
    const offset = isNode(node) && node.range ? node.range[0] : 0;
    const pos = lineCounter.linePos(offset);
    const field = path.length > 0 ? path.map(String).join('.') : '(file)';
    const missing = depth < path.length && issue.code === 'invalid_type' && issue.received === 'undefined';
    return `line ${pos.line}, field ${field}: ${missing ? 'is required' : issue.message}`;
  });
  throw new PolicyFileError(file, problems);
}

/** Reads the policy file named by config (relative paths: the working directory, else the project folder). */
export function loadPolicyFile(path: string, vars: PolicyVariables = {}): PolicyFile {
  const fromCwd = resolve(process.cwd(), path);
  const absolute = isAbsolute(path) ? path : existsSync(fromCwd) ? fromCwd : resolve(projectRoot(), path);
  let source: string;
  try {
    source = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new PolicyFileError(path, [
      `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    ]);
  }
  return parsePolicy(source, path, vars);
}
