/**
 * Shopify's search syntax, the subset the app uses: free text, `field:value`,
 * comparisons (`id:>5`, `updated_at:>=2026-01-01`), quoted values, `*`
 * prefix wildcards, `NOT`/`-`, implicit or explicit `AND`, and `OR` (lower
 * precedence than AND).
 */
export interface SearchTerm {
  negate: boolean;
  field: string | null;
  op: ":" | ">" | "<" | ">=" | "<=";
  value: string;
  prefix: boolean;
}

/** OR of AND-groups. */
export type SearchQuery = SearchTerm[][];

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const re = /\s*((?:-?[\w.]+:(?:>=|<=|>|<)?)?(?:"[^"]*"|'[^']*'|[^\s()]+)|\(|\))/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(query)) !== null) {
    if (match[1]) tokens.push(match[1]);
  }
  return tokens;
}

function parseTerm(token: string, negate: boolean): SearchTerm {
  let text = token;
  if (text.startsWith("-") && text.length > 1) {
    negate = !negate;
    text = text.slice(1);
  }
  const fieldMatch = /^([\w.]+):(>=|<=|>|<)?(.*)$/.exec(text);
  const field = fieldMatch ? fieldMatch[1].toLowerCase() : null;
  const op = (fieldMatch?.[2] as SearchTerm["op"] | undefined) ?? ":";
  let value = fieldMatch ? fieldMatch[3] : text;
  if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
  const prefix = value.endsWith("*");
  if (prefix) value = value.slice(0, -1);
  return { negate, field, op, value, prefix };
}

export function parseSearchQuery(query: string | null | undefined): SearchQuery {
  if (!query || !query.trim()) return [];
  const groups: SearchQuery = [[]];
  let negateNext = false;
  for (const token of tokenize(query)) {
    if (token === "(" || token === ")") continue;
    if (token === "AND") continue;
    if (token === "OR") {
      groups.push([]);
      continue;
    }
    if (token === "NOT") {
      negateNext = true;
      continue;
    }
    groups[groups.length - 1].push(parseTerm(token, negateNext));
    negateNext = false;
  }
  return groups.filter((g) => g.length > 0);
}

export type FieldValue = string | number | null | undefined;
/** Returns the values a record has for a search field; `null` field = free text. */
export type FieldAccessor = (field: string | null) => FieldValue[];

function compare(actual: FieldValue, term: SearchTerm): boolean {
  if (actual === null || actual === undefined) return false;
  if (term.op !== ":") {
    const a = typeof actual === "number" ? actual : Date.parse(actual) || Number(actual);
    const b = Number.isFinite(Number(term.value)) && !/^\d{4}-/.test(term.value) ? Number(term.value) : Date.parse(term.value);
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    return term.op === ">" ? a > b : term.op === "<" ? a < b : term.op === ">=" ? a >= b : a <= b;
  }
  const haystack = String(actual).toLowerCase();
  const needle = term.value.toLowerCase();
  if (term.field === null) return haystack.includes(needle);
  if (term.prefix) return haystack.startsWith(needle);
  return haystack === needle;
}

function matchesTerm(term: SearchTerm, accessor: FieldAccessor): boolean {
  const hit = accessor(term.field).some((value) => compare(value, term));
  return term.negate ? !hit : hit;
}

export function matchesSearch(query: SearchQuery, accessor: FieldAccessor): boolean {
  if (query.length === 0) return true;
  return query.some((group) => group.every((term) => matchesTerm(term, accessor)));
}
