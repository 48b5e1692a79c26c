import { GraphQLError } from "graphql";
import { collectionObject, findProducts, mediaObject, productObject, type ApiContext } from "./objects";
import { connection, type ConnectionArgs } from "./connection";
import { processMediaLater } from "./media-processing";
import { gid, parseGid, type MediaRecord, type ProductRecord } from "./store";

export const MEDIA_LIMIT = 250;

/** Finds any node by its GID. */
function nodeById(ctx: ApiContext, id: string) {
  const [, type] = /^gid:\/\/shopify\/(\w+)\/\d+$/.exec(id) ?? [];
  const numeric = parseGid(id);
  if (numeric === null) return null;
  switch (type) {
    case "Product": {
      const product = ctx.shop.products.get(numeric);
      return product ? productObject(ctx, product) : null;
    }
    case "Collection": {
      const collection = ctx.shop.collections.get(numeric);
      return collection ? collectionObject(ctx, collection) : null;
    }
    case "MediaImage":
    case "Video": {
      const media = ctx.store.media.get(numeric);
      return media && [...media.productIds].some((p) => ctx.shop.products.has(p)) ? mediaObject(ctx, media) : null;
    }
    default:
      return null;
  }
}

function fileById(ctx: ApiContext, id: string): MediaRecord | undefined {
  const numeric = parseGid(id);
  return numeric === null ? undefined : ctx.store.media.get(numeric);
}

function count(n: number, limit?: number | null) {
  if (limit != null && n > limit) return { __typename: "Count", count: limit, precision: "AT_LEAST" };
  return { __typename: "Count", count: n, precision: "EXACT" };
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
      connection(findProducts(ctx.shop, args.query, args.sortKey ?? "ID").map((p) => productObject(ctx, p)), args, (p) => p.legacyResourceId),
    productsCount: (args: { query?: string | null; limit?: number | null }) => count(findProducts(ctx.shop, args.query).length, args.limit === undefined ? 10_000 : args.limit),
    product: ({ id }: { id: string }) => {
      const numeric = parseGid(id, "Product");
      const product = numeric === null ? undefined : ctx.shop.products.get(numeric);
      return product ? productObject(ctx, product) : null;
    },
    collections: (args: ConnectionArgs & { query?: string | null }) => {
      const term = args.query?.replace(/^title:/, "").replace(/\*$/, "").toLowerCase();
      const list = [...ctx.shop.collections.values()].filter((c) => !term || c.title.toLowerCase().includes(term));
      return connection(list.map((c) => collectionObject(ctx, c)), args, (c) => c.legacyResourceId);
    },
    collection: ({ id }: { id: string }) => {
      const numeric = parseGid(id, "Collection");
      const collection = numeric === null ? undefined : ctx.shop.collections.get(numeric);
      return collection ? collectionObject(ctx, collection) : null;
    },
    node: ({ id }: { id: string }) => nodeById(ctx, id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => nodeById(ctx, id)),
    currentAppInstallation: () => ({
      __typename: "AppInstallation",
      id: gid("AppInstallation", 1),
      accessScopes: [{ __typename: "AccessScope", handle: "write_products", description: "Modify products" }, { __typename: "AccessScope", handle: "read_products", description: "Read products" }],
    }),
    job: ({ id }: { id: string }) => {
      const job = ctx.store.jobs.get(id);
      return job ? { __typename: "Job", id, done: job.done, query: null } : null;
    },
  };
}

interface StagedUploadInput {
  filename: string;
  mimeType: string;
  resource: string;
  httpMethod?: string | null;
  fileSize?: string | null;
}

interface CreateMediaInput {
  originalSource: string;
  mediaContentType: string;
  alt?: string | null;
}

/** Maps an originalSource URL back to bytes the emulator holds (a staged upload or a file it serves). */
function bytesFor(ctx: ApiContext, source: string): { bytes: Buffer; filename: string; mimeType: string } | null {
  const staged = /\/staged\/([0-9a-f-]+)\//.exec(source);
  if (staged) {
    const upload = ctx.store.stagedUploads.get(staged[1]);
    return upload?.bytes ? { bytes: upload.bytes, filename: upload.filename, mimeType: upload.mimeType } : null;
  }
  const served = /\/cdn\/[^/]+\/files\/(\d+)\//.exec(source);
  if (served) {
    const media = ctx.store.media.get(Number(served[1]));
    return media?.bytes ? { bytes: media.bytes, filename: media.filename, mimeType: media.mimeType } : null;
  }
  return null;
}

export function mutationRoot(ctx: ApiContext, options: { mediaProcessingMs: number }) {
  return {
    stagedUploadsCreate: ({ input }: { input: StagedUploadInput[] }) => {
      const userErrors: { field: string[]; message: string }[] = [];
      const stagedTargets = input.map((item, index) => {
        if (item.resource === "VIDEO" && (item.fileSize == null || !/^\d+$/.test(item.fileSize))) {
          userErrors.push({ field: ["input", String(index), "fileSize"], message: "File size is required for VIDEO uploads" });
          return null;
        }
        if (item.httpMethod && item.httpMethod !== "POST") {
          userErrors.push({ field: ["input", String(index), "httpMethod"], message: "The emulator supports httpMethod POST only" });
          return null;
        }
        const upload = ctx.store.newStagedUpload({ filename: item.filename, mimeType: item.mimeType, resource: item.resource, fileSize: item.fileSize ? Number(item.fileSize) : null });
        return {
          __typename: "StagedMediaUploadTarget",
          url: `${ctx.baseUrl}/staged-uploads/${upload.id}`,
          resourceUrl: `${ctx.baseUrl}/staged/${upload.id}/${encodeURIComponent(item.filename)}`,
          parameters: upload.parameters.map((p) => ({ __typename: "StagedUploadParameter", ...p })),
        };
      });
      return { __typename: "StagedUploadsCreatePayload", stagedTargets, userErrors: userErrors.map((e) => ({ __typename: "UserError", ...e })) };
    },

    productUpdate: ({ product: input, media }: { product?: Record<string, unknown> | null; media?: CreateMediaInput[] | null }) => {
      const fail = (field: string[], message: string) => ({ __typename: "ProductUpdatePayload", product: null, userErrors: [{ __typename: "UserError", field, message }] });
      const id = parseGid(input?.id, "Product");
      const product = id === null ? undefined : ctx.shop.products.get(id);
      if (!product) return fail(["product", "id"], "Product does not exist");
      const sources = (media ?? []).map((m, index) => ({ m, index, found: bytesFor(ctx, m.originalSource) }));
      const missing = sources.find((s) => !s.found);
      if (missing) return fail(["media", String(missing.index), "originalSource"], "Image URL is invalid or the staged upload was not completed");
      if (product.mediaIds.length + sources.length > MEDIA_LIMIT) {
        return fail(["media"], `Product media limit exceeded: a product can have at most ${MEDIA_LIMIT} media (PRODUCT_MEDIA_LIMIT_EXCEEDED)`);
      }
      applyProductFields(product, input ?? {});
      for (const { m, found } of sources) {
        const record = ctx.store.newMedia({
          kind: m.mediaContentType === "VIDEO" ? "VIDEO" : "IMAGE",
          alt: m.alt ?? null,
          status: "UPLOADED",
          filename: found!.filename,
          mimeType: found!.mimeType,
          bytes: found!.bytes,
          seedProductId: null,
          width: null,
          height: null,
          errors: [],
          productIds: new Set([product.id]),
        });
        product.mediaIds.push(record.id);
        processMediaLater(record, options.mediaProcessingMs);
      }
      ctx.store.touch(product);
      ctx.productChanged(product);
      return { __typename: "ProductUpdatePayload", product: productObject(ctx, product), userErrors: [] };
    },

    fileUpdate: ({ files }: { files: { id: string; alt?: string | null; referencesToRemove?: string[] | null; referencesToAdd?: string[] | null }[] }) => {
      const userErrors: { __typename: string; field: string[]; message: string; code: string }[] = [];
      const updated: ReturnType<typeof mediaObject>[] = [];
      const changed = new Set<ProductRecord>();
      files.forEach((file, index) => {
        const media = fileById(ctx, file.id);
        if (!media) {
          userErrors.push({ __typename: "FilesUserError", field: ["files", String(index), "id"], message: `File id ${file.id} does not exist.`, code: "FILE_DOES_NOT_EXIST" });
          return;
        }
        if (file.alt !== undefined) media.alt = file.alt ?? null;
        for (const ref of file.referencesToRemove ?? []) {
          const productId = parseGid(ref, "Product");
          const product = productId === null ? undefined : ctx.shop.products.get(productId);
          if (!product) {
            userErrors.push({ __typename: "FilesUserError", field: ["files", String(index), "referencesToRemove"], message: `Product ${ref} does not exist.`, code: "INVALID" });
            continue;
          }
          media.productIds.delete(product.id);
          product.mediaIds = product.mediaIds.filter((m) => m !== media.id);
          changed.add(product);
        }
        for (const ref of file.referencesToAdd ?? []) {
          const productId = parseGid(ref, "Product");
          const product = productId === null ? undefined : ctx.shop.products.get(productId);
          if (product && !product.mediaIds.includes(media.id)) {
            media.productIds.add(product.id);
            product.mediaIds.push(media.id);
            changed.add(product);
          }
        }
        media.updatedAt = new Date().toISOString();
        updated.push(mediaObject(ctx, media));
      });
      for (const product of changed) {
        ctx.store.touch(product);
        ctx.productChanged(product);
      }
      return { __typename: "FileUpdatePayload", files: updated, userErrors };
    },

    fileDelete: ({ fileIds }: { fileIds: string[] }) => {
      const deletedFileIds: string[] = [];
      const userErrors: { __typename: string; field: string[]; message: string; code: string }[] = [];
      fileIds.forEach((id, index) => {
        const media = fileById(ctx, id);
        if (!media) {
          userErrors.push({ __typename: "FilesUserError", field: ["fileIds", String(index)], message: `File id ${id} does not exist.`, code: "FILE_DOES_NOT_EXIST" });
          return;
        }
        for (const productId of media.productIds) {
          const product = ctx.shop.products.get(productId);
          if (product) product.mediaIds = product.mediaIds.filter((m) => m !== media.id);
        }
        ctx.store.media.delete(media.id);
        deletedFileIds.push(id);
      });
      return { __typename: "FileDeletePayload", deletedFileIds, userErrors };
    },

    productReorderMedia: ({ id, moves }: { id: string; moves: { id: string; newPosition: string }[] }) => {
      const productId = parseGid(id, "Product");
      const product = productId === null ? undefined : ctx.shop.products.get(productId);
      if (!product) {
        return { __typename: "ProductReorderMediaPayload", job: null, mediaUserErrors: [{ __typename: "MediaUserError", field: ["id"], message: "Product does not exist", code: "PRODUCT_DOES_NOT_EXIST" }], userErrors: [] };
      }
      const invalid = moves.findIndex((move) => !product.mediaIds.includes(parseGid(move.id) ?? -1) || !/^\d+$/.test(move.newPosition));
      if (invalid >= 0) {
        return { __typename: "ProductReorderMediaPayload", job: null, mediaUserErrors: [{ __typename: "MediaUserError", field: ["moves", String(invalid)], message: "Media does not exist on this product, or the position is invalid", code: "MEDIA_DOES_NOT_EXIST" }], userErrors: [] };
      }
      const jobId = gid("Job", crypto.randomUUID());
      ctx.store.jobs.set(jobId, { done: false });
      // Shopify reorders asynchronously; the Job reports done when it has.
      setTimeout(() => {
        for (const move of moves) {
          const mediaId = parseGid(move.id)!;
          const order = product.mediaIds.filter((m) => m !== mediaId);
          order.splice(Math.min(Number(move.newPosition), order.length), 0, mediaId);
          product.mediaIds = order;
        }
        ctx.store.touch(product);
        ctx.store.jobs.set(jobId, { done: true });
        ctx.productChanged(product);
      }, Math.max(1, options.mediaProcessingMs)).unref();
      return { __typename: "ProductReorderMediaPayload", job: { __typename: "Job", id: jobId, done: false, query: null }, mediaUserErrors: [], userErrors: [] };
    },
  };
}

function applyProductFields(product: ProductRecord, input: Record<string, unknown>): void {
  if (typeof input.title === "string") product.title = input.title;
  if (typeof input.productType === "string") product.productType = input.productType;
  if (typeof input.vendor === "string") product.vendor = input.vendor;
  if (typeof input.status === "string") product.status = input.status as ProductRecord["status"];
  if (typeof input.descriptionHtml === "string") product.descriptionHtml = input.descriptionHtml;
  if (Array.isArray(input.tags)) product.tags = input.tags.map(String);
  else if (typeof input.tags === "string") product.tags = input.tags.split(",").map((t) => t.trim()).filter(Boolean);
}

export const notImplemented = (typeName: string, fieldName: string) =>
  new GraphQLError(`The Shotlane store emulator does not implement ${typeName}.${fieldName}`, { extensions: { code: "NOT_IMPLEMENTED_IN_EMULATOR" } });
