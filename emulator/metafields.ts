import { createHash } from "node:crypto";
import { GraphQLError } from "graphql";
import { connection, type ConnectionArgs } from "./connection";
import { mediaObject, productObject, variantObject, type ApiContext } from "./objects";
import { gid, METAFIELD_OWNER_TYPES, parseGid, type MetafieldOwnerGidType, type MetafieldRecord, type ProductRecord, type ShopState } from "./store";

/**
 * Metafields as Shopify keeps them: `metafieldsSet` (atomic, at most 25,
 * compare-and-set with `compareDigest`), `metafieldsDelete`, and
 * `metafield`/`metafields` on the owners the emulator models (Product,
 * ProductVariant, MediaImage). The emulator has no metafield definitions, so
 * every input names its type, and only the types below are understood; any
 * other type is refused with INVALID_TYPE rather than stored unchecked.
 * Error codes are values of the schema's MetafieldsSetUserErrorCode enum.
 */

/** Shopify: "Allows a maximum of 25 metafields to be set at a time." */
export const METAFIELDS_SET_LIMIT = 25;
/** Stands in for the app's API client id, which the app-reserved namespace (`$app`) is named after. */
export const EMULATOR_APP_ID = 1_000_001;
export const APP_NAMESPACE = `app--${EMULATOR_APP_ID}`;

export const SUPPORTED_METAFIELD_TYPES = ["single_line_text_field", "multi_line_text_field", "boolean", "json", "number_integer", "file_reference", "list.file_reference"] as const;

/** Shopify's other documented types: valid there, not modelled here (so the message can say which it is). */
const SCALAR_TYPES = ["color", "date", "date_time", "dimension", "id", "link", "money", "number_decimal", "rating", "rich_text_field", "url", "volume", "weight"];
const REFERENCE_TYPES = ["article_reference", "collection_reference", "company_reference", "customer_reference", "metaobject_reference", "mixed_reference", "order_reference", "page_reference", "product_reference", "product_taxonomy_value_reference", "variant_reference"];
const OTHER_SHOPIFY_TYPES = new Set([
  ...SCALAR_TYPES,
  ...REFERENCE_TYPES,
  // Lists exist of most types (not of json, money, rich text or id).
  ...[...SCALAR_TYPES, ...REFERENCE_TYPES, "single_line_text_field", "number_integer"].filter((t) => !["money", "rich_text_field", "id"].includes(t)).map((t) => `list.${t}`),
]);

/** File GIDs a file reference may hold; the emulator stores only MediaImage and Video files. */
const FILE_GID = /^gid:\/\/shopify\/(MediaImage|Video|GenericFile|Model3d|ExternalVideo)\/(\d+)$/;
const NAME_CHARS = /^[A-Za-z0-9_-]+$/;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

type Field = "ownerId" | "namespace" | "key" | "type" | "value" | "compareDigest";
export interface MetafieldProblem {
  field: Field;
  code: string;
  message: string;
  /** For list values: which element is wrong. */
  elementIndex?: number | null;
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: MetafieldProblem };
const problem = (field: Field, code: string, message: string, elementIndex: number | null = null): { ok: false; problem: MetafieldProblem } => ({ ok: false, problem: { field, code, message, elementIndex } });

/** The namespace a metafield is stored under: omitted or `$app` is the app's reserved one, `$app:x` a sub-namespace of it. */
export function resolveNamespace(namespace: string | null | undefined): string {
  if (namespace == null || namespace === "$app") return APP_NAMESPACE;
  if (namespace.startsWith("$app:")) return `${APP_NAMESPACE}--${namespace.slice("$app:".length)}`;
  return namespace;
}

/** Shopify's rules: 3–255 characters; letters, digits, hyphens and underscores. */
export function checkNamespace(namespace: string | null | undefined): Checked<string> {
  if (namespace != null && namespace.trim() === "") return problem("namespace", "BLANK", "Namespace can't be blank (omit it for the app-reserved namespace).");
  const resolved = resolveNamespace(namespace);
  if (resolved.length < 3) return problem("namespace", "TOO_SHORT", `Namespace "${resolved}" is too short (minimum is 3 characters).`);
  if (resolved.length > 255) return problem("namespace", "TOO_LONG", "Namespace is too long (maximum is 255 characters).");
  if (!NAME_CHARS.test(resolved)) return problem("namespace", "INVALID", `Namespace "${resolved}" contains characters other than letters, digits, hyphens and underscores.`);
  return { ok: true, value: resolved };
}

/** Shopify's rules: 2–64 characters; letters, digits, hyphens and underscores. */
export function checkKey(key: string): Checked<string> {
  if (key.trim() === "") return problem("key", "BLANK", "Key can't be blank.");
  if (key.length < 2) return problem("key", "TOO_SHORT", `Key "${key}" is too short (minimum is 2 characters).`);
  if (key.length > 64) return problem("key", "TOO_LONG", "Key is too long (maximum is 64 characters).");
  if (!NAME_CHARS.test(key)) return problem("key", "INVALID", `Key "${key}" contains characters other than letters, digits, hyphens and underscores.`);
  return { ok: true, value: key };
}

export function checkType(type: string | null | undefined): Checked<(typeof SUPPORTED_METAFIELD_TYPES)[number]> {
  if (type == null || type.trim() === "") return problem("type", "BLANK", "Type can't be blank: with no metafield definition for this namespace and key, name the type (e.g. single_line_text_field).");
  if ((SUPPORTED_METAFIELD_TYPES as readonly string[]).includes(type)) return { ok: true, value: type as (typeof SUPPORTED_METAFIELD_TYPES)[number] };
  if (OTHER_SHOPIFY_TYPES.has(type)) return problem("type", "INVALID_TYPE", `The Shotlane store emulator does not support metafield type ${type}; it supports ${SUPPORTED_METAFIELD_TYPES.join(", ")}.`);
  return problem("type", "INVALID_TYPE", `"${type}" is not a metafield type. See https://shopify.dev/apps/metafields/types (the emulator supports ${SUPPORTED_METAFIELD_TYPES.join(", ")}).`);
}

/**
 * Checks a value against its type and gives the value as stored (JSON
 * re-serialised, integers without a sign or leading zeros). `fileExists`
 * says whether a file GID names a file of the shop.
 */
export function checkValue(type: (typeof SUPPORTED_METAFIELD_TYPES)[number], value: string, fileExists: (fileGid: string) => boolean): Checked<string> {
  if (value === "") return problem("value", "BLANK", "Value can't be blank (use metafieldsDelete to remove a metafield).");
  const fileProblem = (id: unknown, elementIndex: number | null) => {
    if (typeof id !== "string" || !FILE_GID.test(id)) return problem("value", "INVALID_VALUE", `Value ${JSON.stringify(id)} is not a file GID (gid://shopify/MediaImage/…, Video/… or GenericFile/…).`, elementIndex);
    if (!fileExists(id)) return problem("value", "INVALID_VALUE", `Value references ${id}, which is not a file of this shop.`, elementIndex);
    return null;
  };
  switch (type) {
    case "single_line_text_field":
      return /[\r\n]/.test(value) ? problem("value", "INVALID_VALUE", "Value must be a single line of text (use multi_line_text_field for line breaks).") : { ok: true, value };
    case "multi_line_text_field":
      return { ok: true, value };
    case "boolean":
      return value === "true" || value === "false" ? { ok: true, value } : problem("value", "INVALID_VALUE", `Value must be "true" or "false", not ${JSON.stringify(value)}.`);
    case "number_integer": {
      if (!/^[-+]?\d+$/.test(value.trim())) return problem("value", "INVALID_VALUE", `Value must be a whole number, not ${JSON.stringify(value)}.`);
      const number = Number(value.trim());
      if (Math.abs(number) > MAX_SAFE) return problem("value", "INVALID_VALUE", `Value must be between -${MAX_SAFE} and ${MAX_SAFE}.`);
      return { ok: true, value: String(number) };
    }
    case "json": {
      try {
        return { ok: true, value: JSON.stringify(JSON.parse(value)) };
      } catch {
        return problem("value", "INVALID_VALUE", "Value must be valid JSON.");
      }
    }
    case "file_reference":
      return fileProblem(value, null) ?? { ok: true, value };
    case "list.file_reference": {
      let list: unknown;
      try {
        list = JSON.parse(value);
      } catch {
        list = undefined;
      }
      if (!Array.isArray(list)) return problem("value", "INVALID_VALUE", 'Value must be a JSON array of file GIDs, such as ["gid://shopify/MediaImage/1"].');
      for (const [index, id] of list.entries()) {
        const found = fileProblem(id, index);
        if (found) return found;
      }
      return { ok: true, value: JSON.stringify(list) };
    }
  }
}

/** What `compareDigest` answers: a digest of the stored type and value, so any change of either gives a new one. */
export function metafieldDigest(record: Pick<MetafieldRecord, "type" | "value">): string {
  return createHash("sha256").update(JSON.stringify([record.type, record.value])).digest("hex");
}

/** `jsonValue`: the value as the JSON its type stands for. */
export function metafieldJsonValue(record: Pick<MetafieldRecord, "type" | "value">): unknown {
  switch (record.type) {
    case "boolean":
      return record.value === "true";
    case "number_integer":
      return Number(record.value);
    case "json":
    case "list.file_reference":
      return JSON.parse(record.value);
    default:
      return record.value;
  }
}

// ── Owners ──

type Owner = { type: MetafieldOwnerGidType; ownerId: string; product: ProductRecord | null; node: () => unknown };

/** The HasMetafields types of Shopify's schema the emulator keeps no metafields for. */
const UNMODELLED_OWNERS = new Set(["AppInstallation", "Article", "Blog", "Collection", "Company", "CompanyLocation", "Customer", "DraftOrder", "Location", "Market", "Order", "Page", "Shop"]);

/** The owner a GID names in this shop, or null when it names nothing that exists. Throws for owner types the emulator does not model. */
function findOwner(ctx: ApiContext, ownerId: string): Owner | null {
  const type = /^gid:\/\/shopify\/(\w+)\/\d+$/.exec(ownerId)?.[1];
  const numeric = parseGid(ownerId);
  if (!type || numeric === null) return null;
  if (UNMODELLED_OWNERS.has(type)) {
    throw new GraphQLError(`The Shotlane store emulator does not implement metafields on ${type} (only on ${Object.keys(METAFIELD_OWNER_TYPES).join(", ")})`, { extensions: { code: "NOT_IMPLEMENTED_IN_EMULATOR" } });
  }
  switch (type) {
    case "Product": {
      const product = ctx.shop.products.get(numeric);
      return product ? { type, ownerId, product, node: () => productObject(ctx, product) } : null;
    }
    case "ProductVariant": {
      const found = ctx.store.findVariant(ctx.shop, numeric);
      return found ? { type, ownerId, product: found.product, node: () => variantObject(ctx, found.product, found.variant) } : null;
    }
    case "MediaImage": {
      const media = ctx.store.media.get(numeric);
      return media && media.shop === ctx.shop.domain && media.kind === "IMAGE" ? { type, ownerId, product: null, node: () => mediaObject(ctx, media) } : null;
    }
    default:
      return null;
  }
}

/** Whether a file GID names a file of the shop (the emulator's files are MediaImage and Video). */
function fileExists(ctx: ApiContext, fileGid: string): boolean {
  const match = FILE_GID.exec(fileGid);
  const media = match ? ctx.store.media.get(Number(match[2])) : undefined;
  if (!match || !media || media.shop !== ctx.shop.domain) return false;
  return (match[1] === "MediaImage" && media.kind === "IMAGE") || (match[1] === "Video" && media.kind === "VIDEO");
}

/** A plain GraphQL object (typed loosely: media objects carry metafield fields, which build media objects). */
type NodeObject = { __typename: string; id: string };

function fileNode(ctx: ApiContext, fileGid: string): NodeObject | null {
  if (!fileExists(ctx, fileGid)) return null;
  return mediaObject(ctx, ctx.store.media.get(Number(FILE_GID.exec(fileGid)![2]))!);
}

const slot = (namespace: string, key: string) => `${namespace}.${key}`;

function ownerMetafields(shop: ShopState, ownerId: string): Map<string, MetafieldRecord> {
  let map = shop.metafields.get(ownerId);
  if (!map) shop.metafields.set(ownerId, (map = new Map()));
  return map;
}

export function metafieldObject(ctx: ApiContext, record: MetafieldRecord) {
  const isList = record.type.startsWith("list.");
  return {
    __typename: "Metafield",
    id: gid("Metafield", record.id),
    legacyResourceId: String(record.id),
    namespace: record.namespace,
    key: record.key,
    type: record.type,
    value: record.value,
    jsonValue: metafieldJsonValue(record),
    compareDigest: metafieldDigest(record),
    ownerType: record.ownerType,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    description: null,
    definition: null,
    sizeInBytes: Buffer.byteLength(record.value),
    owner: (): unknown => findOwner(ctx, record.ownerId)?.node() ?? null,
    reference: () => (record.type === "file_reference" ? fileNode(ctx, record.value) : null),
    references: (args: ConnectionArgs) => {
      if (!isList || !record.type.endsWith("file_reference")) return null;
      const nodes = (JSON.parse(record.value) as string[]).map((id) => fileNode(ctx, id)).filter((n): n is NodeObject => n !== null);
      return connection(nodes, args, { keyOf: (n) => String(parseGid(n.id)), toNode: (n) => n, bulk: ctx.bulk });
    },
  };
}

/** `metafield(namespace, key)` and `metafields(first, namespace, keys)` for an owner object. */
export function hasMetafieldsFields(ctx: ApiContext, ownerId: string) {
  const records = () => [...(ctx.shop.metafields.get(ownerId)?.values() ?? [])];
  return {
    metafield: ({ namespace, key }: { namespace?: string | null; key: string }) => {
      const record = ctx.shop.metafields.get(ownerId)?.get(slot(resolveNamespace(namespace), key));
      return record ? metafieldObject(ctx, record) : null;
    },
    metafields: (args: ConnectionArgs & { namespace?: string | null; keys?: string[] | null }) => {
      const keys = args.keys?.map((k) => {
        const dot = k.lastIndexOf(".");
        return slot(resolveNamespace(k.slice(0, dot)), k.slice(dot + 1));
      });
      const namespace = args.namespace == null ? null : resolveNamespace(args.namespace);
      const list = records()
        .filter((r) => (namespace === null || r.namespace === namespace) && (!keys || keys.includes(slot(r.namespace, r.key))))
        .sort((a, b) => a.id - b.id);
      return connection(list, args, { keyOf: (r) => String(r.id), toNode: (r) => metafieldObject(ctx, r), bulk: ctx.bulk });
    },
  };
}

/** A Metafield by its GID (for `node`). */
export function metafieldById(ctx: ApiContext, id: number) {
  for (const map of ctx.shop.metafields.values()) {
    for (const record of map.values()) if (record.id === id) return metafieldObject(ctx, record);
  }
  return null;
}

// ── Mutations ──

interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

const setUserError = (index: number | null, p: { field: Field | null; code: string; message: string; elementIndex?: number | null }) => ({
  __typename: "MetafieldsSetUserError",
  field: index === null ? ["metafields"] : ["metafields", String(index), ...(p.field ? [p.field] : [])],
  message: p.message,
  code: p.code,
  elementIndex: p.elementIndex ?? null,
});

export function metafieldsMutationRoot(ctx: ApiContext) {
  const { store, shop } = ctx;

  return {
    metafieldsSet: ({ metafields }: { metafields: MetafieldsSetInput[] }) => {
      const fail = (userErrors: ReturnType<typeof setUserError>[]) => ({ __typename: "MetafieldsSetPayload", metafields: null, userErrors });
      if (metafields.length > METAFIELDS_SET_LIMIT) {
        return fail([setUserError(null, { field: null, code: "LESS_THAN_OR_EQUAL_TO", message: `Exceeded the maximum metafields input limit of ${METAFIELDS_SET_LIMIT} (got ${metafields.length}); split them over several calls.` })]);
      }
      const userErrors: ReturnType<typeof setUserError>[] = [];
      const planned: { owner: Owner; namespace: string; key: string; type: string; value: string }[] = [];
      for (const [index, input] of metafields.entries()) {
        const problems: MetafieldProblem[] = [];
        const owner = findOwner(ctx, input.ownerId);
        if (!owner) problems.push({ field: "ownerId", code: "INVALID", message: `Owner ${input.ownerId} does not exist, or cannot have metafields in the emulator (it keeps them on ${Object.keys(METAFIELD_OWNER_TYPES).join(", ")}).` });
        const namespace = checkNamespace(input.namespace);
        const key = checkKey(input.key);
        const type = checkType(input.type);
        const value = type.ok ? checkValue(type.value, input.value, (id) => fileExists(ctx, id)) : null;
        for (const checked of [namespace, key, type, value]) if (checked && !checked.ok) problems.push(checked.problem);
        if (owner && namespace.ok && key.ok && "compareDigest" in input) {
          const existing = shop.metafields.get(owner.ownerId)?.get(slot(namespace.value, key.value));
          // null promises the metafield does not exist yet; a digest, that it still holds what was read.
          if (input.compareDigest !== null && !/^[0-9a-f]{64}$/.test(input.compareDigest ?? "")) {
            problems.push({ field: "compareDigest", code: "INVALID_COMPARE_DIGEST", message: "The compareDigest is invalid: pass the compareDigest of the metafield as last read, or null for one that must not exist yet." });
          } else if (input.compareDigest === null ? existing !== undefined : existing === undefined || metafieldDigest(existing) !== input.compareDigest) {
            problems.push({ field: "compareDigest", code: "STALE_OBJECT", message: `The metafield ${namespace.value}.${key.value} has been modified since it was loaded; read it again and retry with its current compareDigest.` });
          }
        }
        if (problems.length > 0) userErrors.push(...problems.map((p) => setUserError(index, p)));
        else planned.push({ owner: owner!, namespace: (namespace as { value: string }).value, key: (key as { value: string }).value, type: input.type!, value: (value as { value: string }).value });
      }
      // Atomic: one bad input and nothing is written.
      if (userErrors.length > 0) return fail(userErrors);

      const now = new Date().toISOString();
      const changedProducts = new Set<ProductRecord>();
      const written = planned.map(({ owner, namespace, key, type, value }) => {
        const map = ownerMetafields(shop, owner.ownerId);
        const existing = map.get(slot(namespace, key));
        if (existing && existing.type === type && existing.value === value) return existing;
        const record: MetafieldRecord = existing
          ? Object.assign(existing, { type, value, updatedAt: now })
          : { id: store.newMetafieldId(), ownerId: owner.ownerId, ownerType: METAFIELD_OWNER_TYPES[owner.type], namespace, key, type, value, createdAt: now, updatedAt: now };
        map.set(slot(namespace, key), record);
        // A product's (or its variant's) metafield changing is a product change: Shopify sends products/update.
        if (owner.product) changedProducts.add(owner.product);
        return record;
      });
      for (const product of changedProducts) store.productChanged(shop, product);
      return { __typename: "MetafieldsSetPayload", metafields: written.map((r) => metafieldObject(ctx, r)), userErrors: [] };
    },

    metafieldsDelete: ({ metafields }: { metafields: { ownerId: string; namespace: string; key: string }[] }) => {
      if (metafields.length === 0) {
        return { __typename: "MetafieldsDeletePayload", deletedMetafields: null, userErrors: [{ __typename: "UserError", field: ["metafields"], message: "At least one metafield identifier must be specified." }] };
      }
      const changedProducts = new Set<ProductRecord>();
      const deletedMetafields = metafields.map((identifier) => {
        const owner = findOwner(ctx, identifier.ownerId);
        const map = owner ? shop.metafields.get(owner.ownerId) : undefined;
        // A metafield that is not there answers null, and the call still succeeds.
        if (!owner || !map?.delete(slot(resolveNamespace(identifier.namespace), identifier.key))) return null;
        if (owner.product) changedProducts.add(owner.product);
        return { __typename: "MetafieldIdentifier", ownerId: identifier.ownerId, namespace: identifier.namespace, key: identifier.key };
      });
      for (const product of changedProducts) store.productChanged(shop, product);
      return { __typename: "MetafieldsDeletePayload", deletedMetafields, userErrors: [] };
    },
  };
}
