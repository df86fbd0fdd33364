// kubectl's JSONPath templates: literal text, `{.a.b}`, `{.items[*].metadata.name}`, `[n]`,
// `[-1]`, `[a:b]`, `['key.with.dots']`, `..name`, `[?(@.type=="Ready")]`, `{range ...}{end}`
// and string literals such as `{"\n"}`. Missing keys print nothing (kubectl's allowMissingKeys).
type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'recursive'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'filter'; path: Segment[]; op?: string; value?: unknown };

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'expr'; path: Segment[] }
  | { kind: 'literal'; text: string }
  | { kind: 'range'; path: Segment[]; body: Node[] };

export class JsonPathError extends Error {}

function parseLiteral(s: string): unknown {
  const t = s.trim();
  if (/^(['"]).*\1$/s.test(t)) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new JsonPathError(`unrecognized literal ${t}`);
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

export function parsePath(expr: string): Segment[] {
  const segs: Segment[] = [];
  let i = 0;
  const s = expr.trim();
  if (s.startsWith('$') || s.startsWith('@')) i = 1;
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      const m = /^[A-Za-z0-9_\-/]+/.exec(s.slice(i + 2));
      if (!m) throw new JsonPathError(`invalid recursive descent at ${JSON.stringify(s.slice(i))}`);
      segs.push({ kind: 'recursive', name: m[0] });
      i += 2 + m[0].length;
    } else if (s[i] === '.') {
      if (s[i + 1] === '*') {
        segs.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      const m = /^[A-Za-z0-9_\-/]*/.exec(s.slice(i + 1))!;
      if (m[0]) segs.push({ kind: 'field', name: m[0] });
      i += 1 + m[0].length;
    } else if (s[i] === '[') {
      const close = findClose(s, i);
      const inner = s.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') segs.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) segs.push({ kind: 'index', index: Number(inner) });
      else if (/^-?\d*:-?\d*$/.test(inner)) {
        const [a, b] = inner.split(':');
        segs.push({ kind: 'slice', start: a ? Number(a) : undefined, end: b ? Number(b) : undefined });
      } else if (/^(['"]).*\1$/s.test(inner)) segs.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) {
        const body = inner.slice(2, -1).trim();
        const m = /^(@[^=!<>]*?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body);
        if (m) segs.push({ kind: 'filter', path: parsePath(m[1]), op: m[2], value: parseLiteral(m[3]) });
        else segs.push({ kind: 'filter', path: parsePath(body) });
      } else throw new JsonPathError(`unsupported subscript [${inner}]`);
    } else {
      throw new JsonPathError(`unexpected ${JSON.stringify(s[i])} in ${JSON.stringify(expr)}`);
    }
  }
  return segs;
}

function findClose(s: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return j;
  }
  throw new JsonPathError(`unclosed [ in ${JSON.stringify(s)}`);
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.values(v);
  return [];
}

function recursiveFind(v: unknown, name: string, out: unknown[]): void {
  if (v && typeof v === 'object' && !Array.isArray(v) && name in v) out.push((v as Record<string, unknown>)[name]);
  for (const c of children(v)) recursiveFind(c, name, out);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b || (typeof b === 'number' && Number(a) === b);
    case '!=':
      return !(a === b || (typeof b === 'number' && Number(a) === b));
    case '<':
      return Number(a) < Number(b);
    case '>':
      return Number(a) > Number(b);
    case '<=':
      return Number(a) <= Number(b);
    case '>=':
      return Number(a) >= Number(b);
    default:
      return false;
  }
}

export function evaluate(path: Segment[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const v of current) {
      switch (seg.kind) {
        case 'field':
          if (v && typeof v === 'object' && !Array.isArray(v) && seg.name in v) next.push((v as Record<string, unknown>)[seg.name]);
          break;
        case 'recursive':
          recursiveFind(v, seg.name, next);
          break;
        case 'wildcard':
          next.push(...children(v));
          break;
        case 'index':
          if (Array.isArray(v)) {
            const idx = seg.index < 0 ? v.length + seg.index : seg.index;
            if (idx >= 0 && idx < v.length) next.push(v[idx]);
          }
          break;
        case 'slice':
          if (Array.isArray(v)) next.push(...v.slice(seg.start, seg.end));
          break;
        case 'filter':
          for (const item of children(v)) {
            const found = evaluate(seg.path, item);
            if (seg.op === undefined ? found.length > 0 && found[0] !== false : found.some((f) => compare(f, seg.op!, seg.value))) next.push(item);
          }
          break;
      }
    }
    current = next;
  }
  return current;
}

export function parseTemplate(template: string): Node[] {
  const stack: Node[][] = [[]];
  const ranges: { kind: 'range'; path: Segment[]; body: Node[] }[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      stack[stack.length - 1].push({ kind: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) stack[stack.length - 1].push({ kind: 'text', text: template.slice(i, open) });
    let close = open + 1;
    let quote: string | undefined;
    for (; close < template.length; close++) {
      const c = template[close];
      if (quote) {
        if (c === '\\') close++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '}') break;
    }
    if (close >= template.length) throw new JsonPathError(`unclosed action in ${JSON.stringify(template)}`);
    const inner = template.slice(open + 1, close).trim();
    i = close + 1;
    if (inner.startsWith('range ')) {
      const node = { kind: 'range' as const, path: parsePath(inner.slice(6)), body: [] as Node[] };
      stack[stack.length - 1].push(node);
      ranges.push(node);
      stack.push(node.body);
    } else if (inner === 'end') {
      if (!ranges.pop()) throw new JsonPathError('{end} without {range}');
      stack.pop();
    } else if (/^(['"]).*\1$/s.test(inner)) {
      stack[stack.length - 1].push({ kind: 'literal', text: unescape(inner.slice(1, -1)) });
    } else {
      stack[stack.length - 1].push({ kind: 'expr', path: parsePath(inner) });
    }
  }
  if (ranges.length > 0) throw new JsonPathError('{range} without {end}');
  return stack[0];
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function render(nodes: Node[], data: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text' || n.kind === 'literal') out += n.text;
    else if (n.kind === 'expr') out += evaluate(n.path, data).map(valueText).join(' ');
    else for (const item of evaluate(n.path, data).flatMap((v) => (Array.isArray(v) ? v : [v]))) out += render(n.body, item);
  }
  return out;
}

/** Renders a kubectl JSONPath template against a value. */
export function renderJsonPath(template: string, data: unknown): string {
  return render(parseTemplate(template), data);
}
