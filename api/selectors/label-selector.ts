// Label selectors (k8s.io/apimachinery pkg/labels): the string syntax
// `a=b,c!=d,e in (x,y),f notin (z),g,!h,i>3`, the LabelSelector object (matchLabels +
// matchExpressions), matching, and the canonical string form.
import type { LabelSelector } from '../types/meta.js';
import { badRequest } from '../status.js';
import { isQualifiedName, isValidLabelValue } from '../names.js';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'GreaterThan' | 'LessThan';

export interface Requirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

export interface Selector {
  /** false for the selector that matches nothing (a nil LabelSelector in Kubernetes). */
  readonly matchesAnything: boolean;
  readonly requirements: readonly Requirement[];
}

export const EVERYTHING: Selector = { matchesAnything: true, requirements: [] };
export const NOTHING: Selector = { matchesAnything: false, requirements: [] };

export function isEverything(s: Selector): boolean {
  return s.matchesAnything && s.requirements.length === 0;
}

function fail(selector: string, detail: string): never {
  throw badRequest(`unable to parse requirement: ${detail} (in label selector ${JSON.stringify(selector)})`);
}

function checkKey(selector: string, key: string): void {
  const errs = isQualifiedName(key);
  if (errs.length) fail(selector, `invalid label key ${JSON.stringify(key)}: ${errs.join('; ')}`);
}

function checkValue(selector: string, value: string): void {
  const errs = isValidLabelValue(value);
  if (errs.length) fail(selector, `invalid label value: ${JSON.stringify(value)}: ${errs.join('; ')}`);
}

export function requirement(key: string, operator: SelectorOperator, values: string[], selectorText = key): Requirement {
  checkKey(selectorText, key);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) fail(selectorText, `for 'in', 'notin' operators, values set can't be empty (key ${JSON.stringify(key)})`);
      break;
    case 'Equals':
    case 'NotEquals':
      if (values.length !== 1) fail(selectorText, `exact-match compatibility requires one single value (key ${JSON.stringify(key)})`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) fail(selectorText, `values set must be empty for exists and does not exist (key ${JSON.stringify(key)})`);
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1 || !/^-?[0-9]+$/.test(values[0]!)) {
        fail(selectorText, `for 'Gt', 'Lt' operators, the value must be an integer (key ${JSON.stringify(key)}, value ${JSON.stringify(values[0] ?? '')})`);
      }
      return { key, operator, values };
  }
  for (const v of values) checkValue(selectorText, v);
  return { key, operator, values: [...values] };
}

// ---- the string syntax -------------------------------------------------------------------------

type Token =
  | { t: 'id'; v: string }
  | { t: 'in' | 'notin' | '!' | '!=' | '=' | '==' | '(' | ')' | ',' | '>' | '<' | 'end' };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const special = '!=(),<>';
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (special.includes(c)) {
      const two = s.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        out.push({ t: two });
        i += 2;
      } else {
        out.push({ t: c as '!' | '=' | '(' | ')' | ',' | '<' | '>' });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!) && !special.includes(s[j]!)) j++;
    const word = s.slice(i, j);
    out.push(word === 'in' || word === 'notin' ? { t: word } : { t: 'id', v: word });
    i = j;
  }
  out.push({ t: 'end' });
  return out;
}

function tokenText(tok: Token): string {
  return tok.t === 'id' ? tok.v : tok.t === 'end' ? '' : tok.t;
}

/** Parses `a=b,c!=d,e in (x,y),!f,g`. The empty string selects everything. */
export function parseLabelSelector(text: string): Selector {
  const toks = tokenize(text);
  let p = 0;
  const peek = (): Token => toks[p]!;
  const next = (): Token => toks[p++]!;
  const expected: (what: string) => never = (what) => fail(text, `found '${tokenText(peek())}', expected: ${what}`);
  const reqs: Requirement[] = [];
  if (peek().t === 'end') return EVERYTHING;
  for (;;) {
    let tok = next();
    if (tok.t === '!') {
      tok = next();
      if (tok.t !== 'id') {
        p--;
        expected('identifier after \'!\'');
      }
      reqs.push(requirement(tok.v, 'DoesNotExist', [], text));
    } else if (tok.t === 'id') {
      const key = tok.v;
      const op = peek();
      if (op.t === ',' || op.t === 'end') {
        reqs.push(requirement(key, 'Exists', [], text));
      } else if (op.t === '=' || op.t === '==' || op.t === '!=') {
        next();
        const v = peek();
        let value = '';
        if (v.t === 'id') {
          value = v.v;
          next();
        } else if (v.t !== ',' && v.t !== 'end') {
          expected('identifier');
        }
        reqs.push(requirement(key, op.t === '!=' ? 'NotEquals' : 'Equals', [value], text));
      } else if (op.t === '>' || op.t === '<') {
        next();
        const v = next();
        if (v.t !== 'id') {
          p--;
          expected('integer');
        }
        reqs.push(requirement(key, op.t === '>' ? 'GreaterThan' : 'LessThan', [v.v], text));
      } else if (op.t === 'in' || op.t === 'notin') {
        next();
        if (next().t !== '(') {
          p--;
          expected("'('");
        }
        const values: string[] = [];
        for (;;) {
          const v = peek();
          if (v.t === 'id') {
            values.push(v.v);
            next();
          } else if (v.t === ',' || v.t === ')') {
            values.push(''); // `in (a,)` holds the empty value
          } else {
            expected("identifier, ',' or ')'");
          }
          const sep = next();
          if (sep.t === ')') break;
          if (sep.t !== ',') {
            p--;
            expected("',' or ')'");
          }
        }
        reqs.push(requirement(key, op.t === 'in' ? 'In' : 'NotIn', [...new Set(values)], text));
      } else {
        expected("',', '!=', '==', '=', 'in', 'notin'");
      }
    } else {
      p--;
      expected("'!' or identifier");
    }
    const sep = next();
    if (sep.t === 'end') break;
    if (sep.t !== ',') {
      p--;
      expected("','");
    }
  }
  return { matchesAnything: true, requirements: reqs };
}

/** Kubernetes' LabelSelectorAsSelector: undefined selects nothing, `{}` selects everything. */
export function labelSelectorFromObject(ls: LabelSelector | null | undefined): Selector {
  if (!ls) return NOTHING;
  const reqs: Requirement[] = [];
  const text = JSON.stringify(ls);
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(requirement(k, 'Equals', [v], text));
  for (const e of ls.matchExpressions ?? []) {
    const op = e.operator as string;
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
      fail(text, `${JSON.stringify(op)} is not a valid label selector operator (key ${JSON.stringify(e.key)})`);
    }
    reqs.push(requirement(e.key, op, e.values ?? [], text));
  }
  return { matchesAnything: true, requirements: reqs };
}

export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
      return has && r.values.includes(value!);
    case 'NotIn':
    case 'NotEquals':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      if (!has || !/^-?[0-9]+$/.test(value!)) return false;
      const a = Number(value);
      const b = Number(r.values[0]);
      return r.operator === 'GreaterThan' ? a > b : a < b;
    }
  }
}

export function matchesLabels(s: Selector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!s.matchesAnything) return false;
  const l = labels ?? {};
  return s.requirements.every((r) => requirementMatches(r, l));
}

function requirementString(r: Requirement): string {
  const sorted = [...r.values].sort();
  switch (r.operator) {
    case 'Equals':
      return `${r.key}=${r.values[0]}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0]}`;
    case 'In':
      return `${r.key} in (${sorted.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${sorted.join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'GreaterThan':
      return `${r.key}>${r.values[0]}`;
    case 'LessThan':
      return `${r.key}<${r.values[0]}`;
  }
}

/** Kubernetes' Selector.String(): terms sorted by key, e.g. `app=web,tier in (a,b)`. */
export function selectorToString(s: Selector): string {
  return [...s.requirements]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(requirementString)
    .join(',');
}

/** The string form of a LabelSelector object (what Scale's status.selector holds): `app=web`. */
export function labelSelectorToString(ls: LabelSelector | null | undefined): string {
  return selectorToString(labelSelectorFromObject(ls));
}

/** As kubectl describe prints a selector: `app=web`, or `<none>` when it selects everything. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  const s = labelSelectorToString(ls);
  return s === '' ? '<none>' : s;
}
