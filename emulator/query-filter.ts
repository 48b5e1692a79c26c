/**
 * Shopify's search syntax, the part the app uses: free text, `field:value`,
 * comparisons (`id:>5`, `updated_at:>=2026-01-01`), quoted values, `*` prefix
 * wildcards, `NOT` / `-` negation, implicit or explicit `AND`, `OR` (binds
 * looser than AND) and parentheses. Pure: parse once, match many records.
 */

export type Comparison = ":" | ">" | "<" | ">=" | "<=";

export type SearchNode =
  | { kind: "term"; field: string | null; op: Comparison; value: string; prefix: boolean }
  | { kind: "not"; child: SearchNode }
  | { kind: "and"; children: SearchNode[] }
  | { kind: "or"; children: SearchNode[] };

export type SearchTerm = Extract<SearchNode, { kind: "term" }>;

/** `null` is the empty query, which matches everything. */
export type SearchQuery = SearchNode | null;

type Token = { type: "(" | ")" | "AND" | "OR" | "NOT" } | { type: "term"; text: string };

// A term is an optional `-`, an optional `field:` with comparison, then a quoted or bare value.
const TOKEN = /\s*(?:(\()|(\))|((?:-?[\w.]+:(?:>=|<=|>|<)?)?(?:"[^"]*"|'[^']*'|[^\s()]+)))/gy;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = TOKEN.exec(query)) !== null) {
    if (match[1]) tokens.push({ type: "(" });
    else if (match[2]) tokens.push({ type: ")" });
    else if (match[3] === "AND" || match[3] === "OR" || match[3] === "NOT") tokens.push({ type: match[3] });
    else if (match[3]) tokens.push({ type: "term", text: match[3] });
  }
  return tokens;
}

function parseTerm(text: string): SearchNode {
  let negate = false;
  if (text.startsWith("-") && text.length > 1) {
    negate = true;
    text = text.slice(1);
  }
  const fieldMatch = /^([\w.]+):(>=|<=|>|<)?(.*)$/s.exec(text);
  let value = fieldMatch ? fieldMatch[3] : text;
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) value = value.slice(1, -1);
  const prefix = value.endsWith("*");
  if (prefix) value = value.slice(0, -1);
  const term: SearchTerm = { kind: "term", field: fieldMatch ? fieldMatch[1].toLowerCase() : null, op: (fieldMatch?.[2] as Comparison | undefined) ?? ":", value, prefix };
  return negate ? { kind: "not", child: term } : term;
}

/** Recursive descent: or := and (OR and)* ; and := unary (AND? unary)* ; unary := NOT unary | ( or ) | term. */
export function parseSearchQuery(query: string | null | undefined): SearchQuery {
  const tokens = tokenize(query ?? "");
  let i = 0;
  const peek = () => tokens[i];

  function parseOr(): SearchNode | null {
    const children: SearchNode[] = [];
    const first = parseAnd();
    if (first) children.push(first);
    while (peek()?.type === "OR") {
      i++;
      const next = parseAnd();
      if (next) children.push(next);
    }
    return children.length === 0 ? null : children.length === 1 ? children[0] : { kind: "or", children };
  }

  function parseAnd(): SearchNode | null {
    const children: SearchNode[] = [];
    for (;;) {
      const token = peek();
      if (!token || token.type === "OR" || token.type === ")") break;
      if (token.type === "AND") {
        i++;
        continue;
      }
      const node = parseUnary();
      if (node) children.push(node);
    }
    return children.length === 0 ? null : children.length === 1 ? children[0] : { kind: "and", children };
  }

  function parseUnary(): SearchNode | null {
    const token = tokens[i++];
    if (token.type === "NOT") {
      const child = peek() && peek().type !== ")" ? parseUnary() : null;
      return child ? { kind: "not", child } : null;
    }
    if (token.type === "(") {
      const inner = parseOr();
      if (peek()?.type === ")") i++;
      return inner;
    }
    if (token.type === "term") return parseTerm(token.text);
    return null;
  }

  const result = parseOr();
  // Unbalanced closing parentheses are ignored, as a forgiving search box would.
  while (i < tokens.length) {
    i++;
    const rest = parseOr();
    if (rest) return result ? { kind: "and", children: [result, rest] } : rest;
  }
  return result;
}

/** Fields the query names that the searched resource does not know. */
export function unknownFields(query: SearchQuery, known: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const visit = (node: SearchNode) => {
    if (node.kind === "term") {
      if (node.field !== null && !known.has(node.field)) found.add(node.field);
    } else if (node.kind === "not") visit(node.child);
    else node.children.forEach(visit);
  };
  if (query) visit(query);
  return [...found];
}

/** Drops terms on unknown fields, as Shopify ignores them (with a warning) rather than matching nothing. */
export function withoutUnknownFields(query: SearchQuery, known: ReadonlySet<string>): SearchQuery {
  if (!query) return null;
  if (query.kind === "term") return query.field !== null && !known.has(query.field) ? null : query;
  if (query.kind === "not") {
    const child = withoutUnknownFields(query.child, known);
    return child ? { kind: "not", child } : null;
  }
  const children = query.children.map((c) => withoutUnknownFields(c, known)).filter((c): c is SearchNode => c !== null);
  return children.length === 0 ? null : children.length === 1 ? children[0] : { kind: query.kind, children };
}

export type FieldValue = string | number | null | undefined;

/**
 * How a resource exposes itself to search: the values it has for a field
 * (`null` field = free text), and which fields are prose matched by words
 * (`title:dress` finds "Wrap Dress") rather than whole values (`tag:sale`).
 */
export interface Searchable {
  values(field: string | null): FieldValue[];
  wordFields?: ReadonlySet<string>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

function compareOrdered(actual: string | number, term: SearchTerm): boolean {
  const dateLike = ISO_DATE.test(term.value);
  const a = typeof actual === "number" ? actual : dateLike ? Date.parse(actual) : Number(actual);
  const b = dateLike ? Date.parse(term.value) : Number(term.value);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (term.op) {
    case ">":
      return a > b;
    case "<":
      return a < b;
    case ">=":
      return a >= b;
    default:
      return a <= b;
  }
}

function matchesValue(actual: FieldValue, term: SearchTerm, byWords: boolean): boolean {
  if (actual === null || actual === undefined) return false;
  if (term.op !== ":") return compareOrdered(actual, term);
  const haystack = String(actual).toLowerCase();
  const needle = term.value.toLowerCase();
  if (term.field === null) return haystack.includes(needle);
  // A date given to the day matches any time on that day.
  if (ISO_DATE.test(haystack) && /^\d{4}-\d{2}-\d{2}$/.test(needle)) return haystack.startsWith(needle);
  if (byWords) {
    const words = haystack.split(/[^a-z0-9]+/).filter(Boolean);
    const wanted = needle.split(/[^a-z0-9]+/).filter(Boolean);
    if (wanted.length === 0) return term.prefix;
    // The words must appear in order and adjacent; with `*` the last may be a prefix.
    return words.some((_, start) =>
      wanted.every((w, k) => {
        const word = words[start + k];
        return word !== undefined && (term.prefix && k === wanted.length - 1 ? word.startsWith(w) : word === w);
      }),
    );
  }
  return term.prefix ? haystack.startsWith(needle) : haystack === needle;
}

export function matchesSearch(query: SearchQuery, record: Searchable): boolean {
  if (!query) return true;
  switch (query.kind) {
    case "term": {
      const byWords = query.field !== null && (record.wordFields?.has(query.field) ?? false);
      return record.values(query.field).some((value) => matchesValue(value, query, byWords));
    }
    case "not":
      return !matchesSearch(query.child, record);
    case "and":
      return query.children.every((child) => matchesSearch(child, record));
    case "or":
      return query.children.some((child) => matchesSearch(child, record));
  }
}
