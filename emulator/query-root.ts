import { GraphQLError } from "graphql";
import { connection, type ConnectionArgs } from "./connection";
import { metafieldById } from "./metafields";
import { collectionObject, findProducts, mediaObject, productObject, variantObject, type ApiContext } from "./objects";
import { matchesSearch, parseSearchQuery, withoutUnknownFields } from "./query-filter";
import { gid, parseGid } from "./store";

/** The query root fields Shotlane uses. Anything else answers "not implemented" (see server.ts). */

const ACCESS_SCOPES = [
  { handle: "read_products", description: "Read products, variants, and collections" },
  { handle: "write_products", description: "Modify products, variants, and collections" },
  { handle: "write_files", description: "Modify files" },
];

/** `productsCount` counts up to this many unless `limit: null` is passed. */
const COUNT_LIMIT = 10_000;

export function nodeById(ctx: ApiContext, id: string) {
  const type = /^gid:\/\/shopify\/(\w+)\/\d+$/.exec(id)?.[1];
  const numeric = parseGid(id);
  if (numeric === null) return null;
  switch (type) {
    case "Product": {
      const product = ctx.shop.products.get(numeric);
      return product ? productObject(ctx, product) : null;
    }
    case "ProductVariant": {
      const found = ctx.store.findVariant(ctx.shop, numeric);
      return found ? variantObject(ctx, found.product, found.variant) : null;
    }
    case "Metafield":
      return metafieldById(ctx, numeric);
    case "Collection": {
      const collection = ctx.shop.collections.get(numeric);
      return collection ? collectionObject(ctx, collection) : null;
    }
    case "MediaImage":
    case "Video": {
      const media = ctx.store.media.get(numeric);
      const kind = type === "Video" ? "VIDEO" : "IMAGE";
      return media && media.shop === ctx.shop.domain && media.kind === kind ? mediaObject(ctx, media) : null;
    }
    default:
      return null;
  }
}

function searchWarning(ctx: ApiContext, path: string, query: string | null | undefined) {
  return (fields: string[]) =>
    ctx.searchWarnings.push({ path: [path], query: query ?? "", warnings: fields.map((field) => ({ field, message: "Invalid search field for this query." })) });
}

export function queryRoot(ctx: ApiContext) {
  return {
    shop: () => ({
      __typename: "Shop",
      id: gid("Shop", 1),
      name: ctx.shop.name,
      myshopifyDomain: ctx.shop.domain,
      currencyCode: ctx.shop.currencyCode,
      email: `owner@${ctx.shop.domain}`,
      contactEmail: `owner@${ctx.shop.domain}`,
      ianaTimezone: "Europe/Amsterdam",
      plan: { __typename: "ShopPlan", displayName: "Shopify Plus", partnerDevelopment: false, shopifyPlus: true, publicDisplayName: "Plus" },
    }),
    products: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) =>
      connection(findProducts(ctx.shop, args.query, args.sortKey ?? "ID", searchWarning(ctx, "products", args.query)), args, {
        keyOf: (p) => String(p.id),
        toNode: (p) => productObject(ctx, p),
        bulk: ctx.bulk,
      }),
    productsCount: (args: { query?: string | null; limit?: number | null }) => {
      const total = findProducts(ctx.shop, args.query, "ID", searchWarning(ctx, "productsCount", args.query)).length;
      // An omitted limit means 10,000; an explicit null lifts it.
      const limit = args.limit === undefined ? COUNT_LIMIT : args.limit;
      return limit !== null && total > limit ? { __typename: "Count", count: limit, precision: "AT_LEAST" } : { __typename: "Count", count: total, precision: "EXACT" };
    },
    product: ({ id }: { id: string }) => {
      const numeric = parseGid(id, "Product");
      const product = numeric === null ? undefined : ctx.shop.products.get(numeric);
      return product ? productObject(ctx, product) : null;
    },
    collections: (args: ConnectionArgs & { query?: string | null }) => {
      const parsed = withoutUnknownFields(parseSearchQuery(args.query), new Set(["title", "handle", "id"]));
      const list = [...ctx.shop.collections.values()].filter((c) =>
        matchesSearch(parsed, { values: (field) => (field === "handle" ? [c.handle] : field === "id" ? [c.id] : [c.title]), wordFields: new Set(["title"]) }),
      );
      return connection(list, args, { keyOf: (c) => String(c.id), toNode: (c) => collectionObject(ctx, c), bulk: ctx.bulk });
    },
    collection: ({ id }: { id: string }) => {
      const numeric = parseGid(id, "Collection");
      const collection = numeric === null ? undefined : ctx.shop.collections.get(numeric);
      return collection ? collectionObject(ctx, collection) : null;
    },
    node: ({ id }: { id: string }) => nodeById(ctx, id),
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > 250) throw new GraphQLError("The ids argument accepts at most 250 ids", { extensions: { code: "BAD_REQUEST" } });
      return ids.map((id) => nodeById(ctx, id));
    },
    currentAppInstallation: () => ({
      __typename: "AppInstallation",
      id: gid("AppInstallation", 1),
      accessScopes: ACCESS_SCOPES.map((s) => ({ __typename: "AccessScope", ...s })),
    }),
    job: ({ id }: { id: string }) => {
      const job = ctx.store.jobs.get(id);
      return job ? { __typename: "Job", id, done: job.done, query: null } : null;
    },
  };
}
