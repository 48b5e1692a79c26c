import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import { processMediaLater } from "./media";
import { mediaObject, productObject, type ApiContext } from "./objects";
import { gid, parseGid, type MediaRecord, type ProductRecord } from "./store";

/**
 * The write path Shotlane uses to put media on products: stagedUploadsCreate,
 * productUpdate(media:), fileUpdate(referencesToRemove:), fileDelete and
 * productReorderMedia. Deprecated productCreateMedia & co. are not offered.
 */

export const MEDIA_LIMIT = 250;
/** Shopify accepts videos up to 1 GB. */
const MAX_VIDEO_BYTES = 1024 ** 3;
const UPLOAD_RESOURCES = new Set(["IMAGE", "VIDEO", "FILE", "PRODUCT_IMAGE", "SHOP_IMAGE"]);

interface StagedUploadInput {
  filename: string;
  mimeType: string;
  resource: string;
  httpMethod?: string | null;
  fileSize?: string | number | null;
}

interface CreateMediaInput {
  originalSource: string;
  mediaContentType: string;
  alt?: string | null;
}

interface FileUpdateInput {
  id: string;
  alt?: string | null;
  referencesToRemove?: string[] | null;
  referencesToAdd?: string[] | null;
  originalSource?: string | null;
  previewImageSource?: string | null;
  filename?: string | null;
}

const userError = (field: string[], message: string) => ({ __typename: "UserError", field, message });
const filesUserError = (field: string[], message: string, code: string) => ({ __typename: "FilesUserError", field, message, code });
const mediaUserError = (field: string[], message: string, code: string) => ({ __typename: "MediaUserError", field, message, code });

const unsupportedInput = (field: string) =>
  new GraphQLError(`The Shotlane store emulator does not implement ${field}`, { extensions: { code: "NOT_IMPLEMENTED_IN_EMULATOR" } });

type MediaSource = { bytes: Buffer | null; seedProductId: number | null; filename: string; mimeType: string; width: number | null; height: number | null };

/**
 * What an `originalSource` points at. The emulator cannot download from the
 * internet, so only its own URLs resolve: a completed staged upload's
 * resourceUrl, or a file or flat-lay it serves. `null` for a dead emulator
 * URL; "external" for any other http(s) URL.
 */
function resolveSource(ctx: ApiContext, source: string): MediaSource | "external" | "invalid" | null {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return "invalid";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "invalid";
  if (!source.startsWith(`${ctx.baseUrl}/`)) return "external";
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "staged") {
    const upload = ctx.store.stagedUploads.get(parts[1] ?? "");
    if (!upload?.bytes || upload.shop !== ctx.shop.domain) return null;
    return { bytes: upload.bytes, seedProductId: null, filename: upload.filename, mimeType: upload.mimeType, width: null, height: null };
  }
  if (parts[0] === "cdn" && parts[1] === ctx.shop.domain && parts[2] === "files") {
    const media = ctx.store.media.get(Number(parts[3]));
    if (!media || media.shop !== ctx.shop.domain || media.status !== "READY") return null;
    return { bytes: media.bytes, seedProductId: media.seedProductId, filename: media.filename, mimeType: media.mimeType, width: media.width, height: media.height };
  }
  if (parts[0] === "cdn" && parts[1] === ctx.shop.domain && parts[2] === "products") {
    const product = ctx.shop.products.get(Number(parts[3]));
    if (!product?.flatLay) return null;
    return { bytes: null, seedProductId: product.id, filename: "flat-lay.png", mimeType: "image/png", width: 800, height: 1000 };
  }
  return null;
}

function findProduct(ctx: ApiContext, id: unknown): ProductRecord | undefined {
  const numeric = parseGid(id, "Product");
  return numeric === null ? undefined : ctx.shop.products.get(numeric);
}

function applyProductFields(product: ProductRecord, input: Record<string, unknown>): void {
  if (typeof input.title === "string") product.title = input.title;
  if (typeof input.handle === "string") product.handle = input.handle;
  if (typeof input.descriptionHtml === "string") product.descriptionHtml = input.descriptionHtml;
  if (typeof input.productType === "string") product.productType = input.productType;
  if (typeof input.vendor === "string") product.vendor = input.vendor;
  if (typeof input.status === "string") product.status = input.status as ProductRecord["status"];
  if (Array.isArray(input.tags)) product.tags = input.tags.map(String);
}

export function mutationRoot(ctx: ApiContext, options: { mediaProcessingMs: number }) {
  const { store, shop } = ctx;

  const attach = (media: MediaRecord, product: ProductRecord) => {
    media.productIds.add(product.id);
    product.mediaIds.push(media.id);
  };
  // Also takes the media off the product's variants.
  const detach = (media: MediaRecord, product: ProductRecord) => store.detachMedia(media, product);
  const fileById = (id: string): MediaRecord | undefined => {
    const numeric = parseGid(id);
    const media = numeric === null ? undefined : store.media.get(numeric);
    return media?.shop === shop.domain ? media : undefined;
  };

  return {
    stagedUploadsCreate: ({ input }: { input: StagedUploadInput[] }) => {
      const userErrors = input.flatMap((item, index) => {
        const field = (name: string) => ["input", String(index), name];
        if (!UPLOAD_RESOURCES.has(item.resource)) return [userError(field("resource"), `The emulator does not stage ${item.resource} uploads`)];
        if (item.resource === "VIDEO") {
          const size = item.fileSize == null ? NaN : Number(item.fileSize);
          if (!Number.isInteger(size) || size <= 0) return [userError(field("fileSize"), "File size is required for VIDEO uploads")];
          if (size > MAX_VIDEO_BYTES) return [userError(field("fileSize"), "Video files must be 1 GB or smaller")];
        }
        if (!item.filename.trim()) return [userError(field("filename"), "Filename can't be blank")];
        return [];
      });
      // All or nothing, so stagedTargets[i] always answers input[i].
      if (userErrors.length > 0) return { __typename: "StagedUploadsCreatePayload", stagedTargets: [], userErrors };
      const stagedTargets = input.map((item) => {
        const upload = store.newStagedUpload({
          shop: shop.domain,
          filename: item.filename,
          mimeType: item.mimeType,
          resource: item.resource,
          httpMethod: item.httpMethod === "POST" ? "POST" : "PUT",
          fileSize: item.fileSize == null ? null : Number(item.fileSize),
        });
        return {
          __typename: "StagedMediaUploadTarget",
          url: `${ctx.baseUrl}/staged-uploads/${upload.id}`,
          resourceUrl: `${ctx.baseUrl}/staged/${upload.id}/${encodeURIComponent(item.filename)}`,
          parameters: upload.parameters.map((p) => ({ __typename: "StagedUploadParameter", ...p })),
        };
      });
      return { __typename: "StagedUploadsCreatePayload", stagedTargets, userErrors: [] };
    },

    productUpdate: ({ product: input, media }: { product?: Record<string, unknown> | null; media?: CreateMediaInput[] | null }) => {
      const fail = (field: string[], message: string) => ({ __typename: "ProductUpdatePayload", product: null, userErrors: [userError(field, message)] });
      const product = findProduct(ctx, input?.id);
      if (!product) return fail(["product", "id"], "Product does not exist");
      const sources: { item: CreateMediaInput; source: MediaSource | "external" }[] = [];
      for (const [index, item] of (media ?? []).entries()) {
        const source = resolveSource(ctx, item.originalSource);
        if (source === "invalid") return fail(["media", String(index), "originalSource"], "Image URL is invalid");
        if (source === null) return fail(["media", String(index), "originalSource"], "The source is not a completed staged upload or a file of this shop");
        sources.push({ item, source });
      }
      if (product.mediaIds.length + sources.length > MEDIA_LIMIT) {
        return fail(["media"], `Exceeded the limit of ${MEDIA_LIMIT} media per product (PRODUCT_MEDIA_LIMIT_EXCEEDED)`);
      }
      applyProductFields(product, input ?? {});
      for (const { item, source } of sources) {
        const record = store.newMedia({
          shop: shop.domain,
          kind: item.mediaContentType === "VIDEO" ? "VIDEO" : "IMAGE",
          alt: item.alt ?? null,
          status: "UPLOADED",
          filename: source === "external" ? "external" : source.filename,
          mimeType: source === "external" ? "application/octet-stream" : source.mimeType,
          bytes: source === "external" ? null : source.bytes,
          seedProductId: source === "external" ? null : source.seedProductId,
          width: source === "external" ? null : source.width,
          height: source === "external" ? null : source.height,
          errors: [],
          productIds: new Set(),
        });
        attach(record, product);
        // A failure a test injected (POST /emulator/shops/{shop}/media-failures) wins over what the bytes would give.
        const injected = store.takeMediaFailure(shop, record.kind);
        // Shopify would download an external file in the background; the emulator has no internet, so it fails there.
        const outcome =
          injected ??
          (source === "external" ? { ok: false as const, code: record.kind === "VIDEO" ? "GENERIC_FILE_DOWNLOAD_FAILURE" : "IMAGE_DOWNLOAD_FAILURE", message: `Could not download ${item.originalSource}: the emulator serves only its own files.` } : undefined);
        processMediaLater(record, options.mediaProcessingMs, outcome);
      }
      store.productChanged(shop, product);
      return { __typename: "ProductUpdatePayload", product: productObject(ctx, product), userErrors: [] };
    },

    fileUpdate: ({ files }: { files: FileUpdateInput[] }) => {
      for (const field of ["originalSource", "previewImageSource", "filename"] as const) {
        if (files.some((f) => f[field] != null)) throw unsupportedInput(`FileUpdateInput.${field}`);
      }
      const userErrors: ReturnType<typeof filesUserError>[] = [];
      const updated: ReturnType<typeof mediaObject>[] = [];
      const changed = new Set<ProductRecord>();
      files.forEach((file, index) => {
        const field = (name: string) => ["files", String(index), name];
        const media = fileById(file.id);
        if (!media) return userErrors.push(filesUserError(field("id"), `File id ${file.id} does not exist.`, "FILE_DOES_NOT_EXIST"));
        if (file.alt != null && file.alt.length > 512) return userErrors.push(filesUserError(field("alt"), "The alt value exceeds the maximum limit of 512 characters.", "ALT_VALUE_LIMIT_EXCEEDED"));
        const refs = [...(file.referencesToRemove ?? []).map((id) => ({ id, remove: true })), ...(file.referencesToAdd ?? []).map((id) => ({ id, remove: false }))];
        const missing = refs.find((ref) => !findProduct(ctx, ref.id));
        if (missing) return userErrors.push(filesUserError(field(missing.remove ? "referencesToRemove" : "referencesToAdd"), `Reference ${missing.id} does not exist.`, "REFERENCE_TARGET_DOES_NOT_EXIST"));
        for (const ref of refs) {
          const product = findProduct(ctx, ref.id)!;
          const attached = product.mediaIds.includes(media.id);
          if (ref.remove && attached) detach(media, product);
          else if (!ref.remove && !attached) {
            if (product.mediaIds.length >= MEDIA_LIMIT) return userErrors.push(filesUserError(field("referencesToAdd"), `Exceeded the limit of ${MEDIA_LIMIT} media per product.`, "PRODUCT_MEDIA_LIMIT_EXCEEDED"));
            attach(media, product);
          } else continue;
          changed.add(product);
        }
        if (file.alt !== undefined) media.alt = file.alt;
        media.updatedAt = new Date().toISOString();
        updated.push(mediaObject(ctx, media));
      });
      for (const product of changed) store.productChanged(shop, product);
      return { __typename: "FileUpdatePayload", files: updated, userErrors };
    },

    fileDelete: ({ fileIds }: { fileIds: string[] }) => {
      const missing = fileIds.findIndex((id) => !fileById(id));
      // Shopify deletes nothing when one id is wrong.
      if (missing >= 0) return { __typename: "FileDeletePayload", deletedFileIds: null, userErrors: [filesUserError(["fileIds"], `File id ${fileIds[missing]} does not exist.`, "FILE_DOES_NOT_EXIST")] };
      const changed = new Set<ProductRecord>();
      for (const id of fileIds) {
        const media = fileById(id)!;
        for (const productId of media.productIds) {
          const product = shop.products.get(productId);
          if (!product) continue;
          detach(media, product);
          changed.add(product);
        }
        store.deleteMedia(shop, media);
      }
      for (const product of changed) store.productChanged(shop, product);
      return { __typename: "FileDeletePayload", deletedFileIds: fileIds, userErrors: [] };
    },

    productReorderMedia: ({ id, moves }: { id: string; moves: { id: string; newPosition: string | number }[] }) => {
      const fail = (field: string[], message: string, code: string) => ({ __typename: "ProductReorderMediaPayload", job: null, mediaUserErrors: [mediaUserError(field, message, code)], userErrors: [userError(field, message)] });
      const product = findProduct(ctx, id);
      if (!product) return fail(["id"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST");
      if (moves.length > MEDIA_LIMIT) return fail(["moves"], `At most ${MEDIA_LIMIT} moves per call`, "INVALID");
      for (const [index, move] of moves.entries()) {
        const mediaId = parseGid(move.id);
        if (mediaId === null || !product.mediaIds.includes(mediaId)) return fail(["moves", String(index), "id"], "Media does not exist on the given product.", "MEDIA_DOES_NOT_EXIST_ON_PRODUCT");
        if (!/^\d+$/.test(String(move.newPosition))) return fail(["moves", String(index), "newPosition"], "The position must be a non-negative integer.", "INVALID");
      }
      const jobId = gid("Job", randomUUID());
      store.jobs.set(jobId, { done: false });
      // Shopify reorders in the background; the Job reports done when it has. Moves apply in order.
      setTimeout(() => {
        if (shop.products.get(product.id) === product) {
          for (const move of moves) {
            const mediaId = parseGid(move.id)!;
            const order = product.mediaIds.filter((m) => m !== mediaId);
            if (order.length === product.mediaIds.length) continue;
            order.splice(Math.min(Number(move.newPosition), order.length), 0, mediaId);
            product.mediaIds = order;
          }
          store.productChanged(shop, product);
        }
        store.jobs.set(jobId, { done: true });
      }, Math.max(1, options.mediaProcessingMs)).unref();
      return { __typename: "ProductReorderMediaPayload", job: { __typename: "Job", id: jobId, done: false, query: null }, mediaUserErrors: [], userErrors: [] };
    },
  };
}
