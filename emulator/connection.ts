import { GraphQLError } from "graphql";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

const encode = (key: string) => Buffer.from(`emulator:${key}`).toString("base64url");
function decode(cursor: string, argument: string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith("emulator:")) throw new GraphQLError(`Invalid cursor for ${argument}: ${cursor}`, { extensions: { code: "BAD_REQUEST" } });
  return text.slice("emulator:".length);
}

/**
 * Relay connection over an already sorted list. Cursors hold the item's key; a
 * cursor whose item is gone continues after the next larger numeric key, so
 * paging an id-sorted list survives deletions.
 */
export function connection<T>(items: T[], args: ConnectionArgs, keyOf: (item: T) => string, bulk = false) {
  // Bulk operations read whole connections: no page size needed or enforced.
  if (bulk && args.first == null && args.last == null) args = { ...args, first: items.length };
  else if (args.first == null && args.last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  for (const [name, value] of [["first", args.first], ["last", args.last]] as const) {
    if (value != null && !bulk && (value < 0 || value > 250)) throw new GraphQLError(`The ${name} argument must be between 0 and 250`, { extensions: { code: "BAD_REQUEST" } });
  }
  const list = args.reverse ? [...items].reverse() : items;
  const position = (cursor: string, argument: string) => {
    const key = decode(cursor, argument);
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
  let slice = list.slice(start, end);
  let hasNextPage = end < list.length;
  let hasPreviousPage = start > 0;
  if (args.first != null) {
    hasNextPage = hasNextPage || slice.length > args.first;
    slice = slice.slice(0, args.first);
  }
  if (args.last != null) {
    hasPreviousPage = hasPreviousPage || slice.length > args.last;
    slice = slice.slice(Math.max(0, slice.length - args.last));
  }
  const edges = slice.map((node) => ({ __typename: "Edge", cursor: encode(keyOf(node)), node }));
  return {
    edges,
    nodes: slice,
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
