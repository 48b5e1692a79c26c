import { GraphQLError } from "graphql";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export const MAX_PAGE_SIZE = 250;

// Opaque to clients, as Shopify's are; inside, the item's key.
const encodeCursor = (key: string) => Buffer.from(`emulator:${key}`).toString("base64url");
function decodeCursor(cursor: string, argument: string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith("emulator:")) throw new GraphQLError(`Invalid cursor for ${argument}: ${cursor}`, { extensions: { code: "BAD_REQUEST" } });
  return text.slice("emulator:".length);
}

export interface ConnectionOptions<T, N> {
  /** The key a cursor stores; numeric keys let a cursor survive its item's deletion. */
  keyOf: (item: T) => string;
  /** Builds the GraphQL node, for the page's items only (a catalog of 50,000 is not mapped per request). */
  toNode: (item: T) => N;
  /** Inside a bulk operation connections return every item and need no page size. */
  bulk?: boolean;
}

/**
 * A Relay connection over an already sorted list, as Shopify pages: one of
 * `first`/`last` is required and at most 250. A cursor whose item is gone
 * continues after the next larger numeric key.
 */
export function connection<T, N>(items: readonly T[], args: ConnectionArgs, options: ConnectionOptions<T, N>) {
  const { keyOf, toNode, bulk = false } = options;
  let { first, last } = args;
  if (bulk && first == null && last == null) first = items.length;
  else if (first == null && last == null) throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  for (const [name, value] of [["first", first], ["last", last]] as const) {
    if (value != null && !bulk && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`The ${name} argument must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: "BAD_REQUEST" } });
    }
  }
  const list = args.reverse ? [...items].reverse() : items;
  const position = (cursor: string, argument: string) => {
    const key = decodeCursor(cursor, argument);
    const exact = list.findIndex((item) => keyOf(item) === key);
    if (exact >= 0) return { index: exact, exact: true };
    const numeric = Number(key);
    const next = list.findIndex((item) => Number(keyOf(item)) > numeric);
    return { index: next < 0 ? list.length : next, exact: false };
  };
  let start = 0;
  let end = list.length;
  if (args.after) {
    const p = position(args.after, "after");
    start = p.exact ? p.index + 1 : p.index;
  }
  if (args.before) end = Math.max(start, position(args.before, "before").index);
  let from = start;
  let to = end;
  if (first != null) to = Math.min(to, from + first);
  if (last != null) from = Math.max(from, to - last);
  const page = list.slice(from, to);
  const edges = page.map((item) => ({ cursor: encodeCursor(keyOf(item)), node: toNode(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: to < list.length,
      hasPreviousPage: from > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
