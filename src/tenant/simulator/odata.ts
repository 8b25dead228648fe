/** A small OData query subset: `$filter` (eq/ne/gt/ge/lt/le, and/or/not, parentheses, startswith/endswith/contains), `$select`, `$expand`, `$top` paging. */

export class ODataQueryError extends Error {
  constructor(
    message: string,
    readonly property?: string,
  ) {
    super(message);
    this.name = 'ODataQueryError';
  }
}

type Literal = string | number | boolean | null;

export type FilterNode =
  | { kind: 'cmp'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: Operand; right: Operand }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; inner: FilterNode }
  | { kind: 'call'; fn: 'startswith' | 'endswith' | 'contains'; args: [Operand, Operand] };

export type Operand = { kind: 'prop'; name: string } | { kind: 'lit'; value: Literal };

interface Token {
  t: 'str' | 'word' | 'punct';
  v: string;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ODataQueryError('Unterminated string literal in $filter.');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i];
        i++;
      }
      out.push({ t: 'str', v });
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      let v = '';
      while (i < src.length && !/[\s(),']/.test(src[i]!)) v += src[i++];
      out.push({ t: 'word', v });
    }
  }
  return out;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['startswith', 'endswith', 'contains']);

export function parseFilter(src: string): FilterNode {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const tok = tokens[pos++];
    if (!tok) throw new ODataQueryError('Unexpected end of $filter expression.');
    return tok;
  };
  const expect = (v: string) => {
    const tok = next();
    if (tok.t !== 'punct' || tok.v !== v) throw new ODataQueryError(`Expected '${v}' in $filter at '${tok.v}'.`);
  };
  const isWord = (tok: Token | undefined, w: string) => tok?.t === 'word' && tok.v.toLowerCase() === w;

  function operand(): Operand {
    const tok = next();
    if (tok.t === 'str') return { kind: 'lit', value: tok.v };
    if (tok.t !== 'word') throw new ODataQueryError(`Unexpected '${tok.v}' in $filter.`);
    const lower = tok.v.toLowerCase();
    if (lower === 'null') return { kind: 'lit', value: null };
    if (lower === 'true' || lower === 'false') return { kind: 'lit', value: lower === 'true' };
    if (/^-?\d+(\.\d+)?$/.test(tok.v)) return { kind: 'lit', value: Number(tok.v) };
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tok.v))
      return { kind: 'lit', value: tok.v };
    if (/^[A-Za-z_][\w/.@]*$/.test(tok.v)) return { kind: 'prop', name: tok.v };
    throw new ODataQueryError(`Unexpected '${tok.v}' in $filter.`);
  }

  function primary(): FilterNode {
    const tok = peek();
    if (tok?.t === 'punct' && tok.v === '(') {
      next();
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (isWord(tok, 'not')) {
      next();
      return { kind: 'not', inner: primary() };
    }
    if (tok?.t === 'word' && FUNCTIONS.has(tok.v.toLowerCase()) && tokens[pos + 1]?.v === '(') {
      next();
      expect('(');
      const a = operand();
      expect(',');
      const b = operand();
      expect(')');
      return { kind: 'call', fn: tok.v.toLowerCase() as 'startswith', args: [a, b] };
    }
    const left = operand();
    const opTok = next();
    const op = opTok.v.toLowerCase();
    if (opTok.t !== 'word' || !COMPARE_OPS.has(op))
      throw new ODataQueryError(`Unsupported operator '${opTok.v}' in $filter.`);
    const right = operand();
    return { kind: 'cmp', op: op as 'eq', left, right };
  }

  function andExpr(): FilterNode {
    let left = primary();
    while (isWord(peek(), 'and')) {
      next();
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  }

  function orExpr(): FilterNode {
    let left = andExpr();
    while (isWord(peek(), 'or')) {
      next();
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  }

  const node = orExpr();
  if (pos < tokens.length) throw new ODataQueryError(`Unexpected '${tokens[pos]!.v}' in $filter.`);
  return node;
}

/** Property names a filter refers to (to validate them against an entity type). */
export function filterProperties(node: FilterNode): string[] {
  const out: string[] = [];
  const visitOperand = (o: Operand) => {
    if (o.kind === 'prop') out.push(o.name);
  };
  const visit = (n: FilterNode) => {
    if (n.kind === 'cmp') {
      visitOperand(n.left);
      visitOperand(n.right);
    } else if (n.kind === 'call') n.args.forEach(visitOperand);
    else if (n.kind === 'not') visit(n.inner);
    else {
      visit(n.left);
      visit(n.right);
    }
  };
  visit(node);
  return out;
}

function resolve(o: Operand, record: Record<string, unknown>): unknown {
  if (o.kind === 'lit') return o.value;
  const keys = Object.keys(record);
  const key = keys.find((k) => k.toLowerCase() === o.name.toLowerCase());
  if (key === undefined) throw new ODataQueryError(`Could not find a property named '${o.name}'.`, o.name);
  return record[key];
}

function norm(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v === undefined ? null : v;
}

export function evaluateFilter(node: FilterNode, record: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, record) && evaluateFilter(node.right, record);
    case 'or':
      return evaluateFilter(node.left, record) || evaluateFilter(node.right, record);
    case 'not':
      return !evaluateFilter(node.inner, record);
    case 'call': {
      const a = resolve(node.args[0], record);
      const b = resolve(node.args[1], record);
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      const [x, y] = [a.toLowerCase(), b.toLowerCase()];
      return node.fn === 'startswith' ? x.startsWith(y) : node.fn === 'endswith' ? x.endsWith(y) : x.includes(y);
    }
    case 'cmp': {
      const a = norm(resolve(node.left, record));
      const b = norm(resolve(node.right, record));
      switch (node.op) {
        case 'eq':
          return a === b;
        case 'ne':
          return a !== b;
        default: {
          if (a === null || b === null) return false;
          const [x, y] = [a as string | number, b as string | number];
          return node.op === 'gt' ? x > y : node.op === 'ge' ? x >= y : node.op === 'lt' ? x < y : x <= y;
        }
      }
    }
  }
}

/** Splits a comma-separated OData option value at top level (ignoring commas inside parentheses). */
export function splitTopLevel(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of value) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function parseSelect(value: string | null): string[] | null {
  if (value === null || value.trim() === '') return null;
  return splitTopLevel(value);
}

export interface ExpandItem {
  name: string;
  select: string[] | null;
  filter: string | null;
}

/** `$expand=nav($select=a,b;$filter=…),other` */
export function parseExpand(value: string | null): ExpandItem[] {
  if (!value) return [];
  return splitTopLevel(value).map((part) => {
    const m = /^([^()]+)(?:\((.*)\))?$/s.exec(part);
    if (!m) throw new ODataQueryError(`Invalid $expand clause '${part}'.`);
    const item: ExpandItem = { name: m[1]!.trim(), select: null, filter: null };
    for (const opt of (m[2] ?? '').split(';')) {
      const eq = opt.indexOf('=');
      if (eq < 0) continue;
      const key = opt.slice(0, eq).trim().toLowerCase();
      const val = opt.slice(eq + 1);
      if (key === '$select') item.select = parseSelect(val);
      else if (key === '$filter') item.filter = val;
    }
    return item;
  });
}

/** Keeps the selected properties (case-insensitive) plus `always`; unknown names raise an error. */
export function project(
  record: Record<string, unknown>,
  select: string[] | null,
  always: string[] = [],
): Record<string, unknown> {
  if (!select) return record;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key.startsWith('@odata.') || always.includes(key)) out[key] = record[key];
  }
  for (const name of select) {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) throw new ODataQueryError(`Could not find a property named '${name}'.`, name);
    out[key] = record[key];
  }
  return out;
}

export function parseTop(value: string | null): number | null {
  if (value === null) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ODataQueryError(`Invalid value '${value}' for $top.`);
  return n;
}

/**
 * One page of `items`: `$top` (page size, default `defaultSize`) and `$skiptoken` (an offset this simulator issued).
 * `nextLink` is the URL of the following page, or null.
 */
export function paginate<T>(
  items: T[],
  requestUrl: URL,
  publicBase: string,
  defaultSize: number,
): { page: T[]; nextLink: string | null } {
  const top = parseTop(requestUrl.searchParams.get('$top'));
  const size = top ?? defaultSize;
  const skipRaw = requestUrl.searchParams.get('$skiptoken') ?? '0';
  const skip = /^\d+$/.test(skipRaw) ? Number(skipRaw) : 0;
  const page = items.slice(skip, skip + size);
  if (size === 0 || skip + size >= items.length) return { page, nextLink: null };
  const next = new URL(requestUrl.toString());
  next.searchParams.set('$skiptoken', String(skip + size));
  return { page, nextLink: `${publicBase}${next.pathname}${next.search}` };
}
