import { productObject, variantObject, type ApiContext } from "./objects";
import { gid, parseGid, type MediaRecord, type ProductRecord, type VariantRecord } from "./store";

/**
 * productVariantAppendMedia / productVariantDetachMedia: a variant shows media
 * that is already on its product (a colourway's own image). Shopify allows one
 * media per variant, only READY images, at most 100 variant–media pairs per
 * call, and changes nothing when any pair is wrong. Codes are values of the
 * schema's MediaUserErrorCode enum.
 */

/** MediaUserErrorCode.MAXIMUM_VARIANT_MEDIA_PAIRS_EXCEEDED: "the maximum number of 100 variant-media pairs per mutation call". */
export const MAX_VARIANT_MEDIA_PAIRS = 100;

interface VariantMediaInput {
  variantId: string;
  mediaIds: string[];
}

const mediaUserError = (field: string[], message: string, code: string) => ({ __typename: "MediaUserError", field, message, code });
type MediaUserError = ReturnType<typeof mediaUserError>;
const mediaGid = (media: MediaRecord) => gid(media.kind === "VIDEO" ? "Video" : "MediaImage", media.id);

export function variantMediaMutationRoot(ctx: ApiContext) {
  const { store, shop } = ctx;

  /** Checks the product and every pair; answers the errors, or the variants and media ids to change. */
  const plan = (productId: string, variantMedia: VariantMediaInput[], check: (pair: { variant: VariantRecord; mediaIds: number[]; field: (name: string) => string[]; product: ProductRecord }) => MediaUserError | null) => {
    const numeric = parseGid(productId, "Product");
    const product = numeric === null ? undefined : shop.products.get(numeric);
    if (!product) return { errors: [mediaUserError(["productId"], `Product ${productId} does not exist.`, "PRODUCT_DOES_NOT_EXIST")] };
    if (variantMedia.length > MAX_VARIANT_MEDIA_PAIRS) {
      return { errors: [mediaUserError(["variantMedia"], `Exceeded the maximum number of ${MAX_VARIANT_MEDIA_PAIRS} variant-media pairs per mutation call (got ${variantMedia.length}).`, "MAXIMUM_VARIANT_MEDIA_PAIRS_EXCEEDED")] };
    }
    const errors: MediaUserError[] = [];
    const pairs: { variant: VariantRecord; mediaIds: number[] }[] = [];
    const seen = new Set<number>();
    for (const [index, pair] of variantMedia.entries()) {
      const field = (name: string) => ["variantMedia", String(index), name];
      const variantId = parseGid(pair.variantId, "ProductVariant");
      const variant = variantId === null ? undefined : product.variants.find((v) => v.id === variantId);
      if (!variant) {
        errors.push(mediaUserError(field("variantId"), `Variant ${pair.variantId} does not exist on the given product.`, "PRODUCT_VARIANT_DOES_NOT_EXIST_ON_PRODUCT"));
        continue;
      }
      if (seen.has(variant.id)) {
        errors.push(mediaUserError(field("variantId"), `Variant ${pair.variantId} is specified in more than one pair.`, "PRODUCT_VARIANT_SPECIFIED_MULTIPLE_TIMES"));
        continue;
      }
      seen.add(variant.id);
      if (pair.mediaIds.length === 0) {
        errors.push(mediaUserError(field("mediaIds"), "mediaIds can't be blank: name the media of the product to use.", "BLANK"));
        continue;
      }
      const mediaIds: number[] = [];
      let missing: string | undefined;
      for (const id of pair.mediaIds) {
        const mediaId = parseGid(id);
        if (mediaId === null || !product.mediaIds.includes(mediaId)) missing ??= id;
        else mediaIds.push(mediaId);
      }
      if (missing !== undefined) {
        errors.push(mediaUserError(field("mediaIds"), `Media ${missing} does not exist on the given product.`, "MEDIA_DOES_NOT_EXIST_ON_PRODUCT"));
        continue;
      }
      const error = check({ variant, mediaIds, field, product });
      if (error) errors.push(error);
      else pairs.push({ variant, mediaIds });
    }
    return errors.length > 0 ? { errors } : { product, pairs };
  };

  const answer = (typename: string, result: ReturnType<typeof plan>) => {
    if ("errors" in result) return { __typename: typename, product: null, productVariants: null, userErrors: result.errors };
    return { __typename: typename, product: productObject(ctx, result.product!), productVariants: result.pairs!.map((p) => variantObject(ctx, result.product!, p.variant)), userErrors: [] };
  };

  return {
    productVariantAppendMedia: ({ productId, variantMedia }: { productId: string; variantMedia: VariantMediaInput[] }) => {
      const result = plan(productId, variantMedia, ({ variant, mediaIds, field }) => {
        if (mediaIds.length > 1) return mediaUserError(field("mediaIds"), "Only one mediaId is allowed per variant-media input pair.", "TOO_MANY_MEDIA_PER_INPUT_PAIR");
        const media = store.media.get(mediaIds[0])!;
        if (media.kind !== "IMAGE") return mediaUserError(field("mediaIds"), `Media ${mediaGid(media)} is a video; a variant can only show an image.`, "INVALID_MEDIA_TYPE");
        if (media.status !== "READY") return mediaUserError(field("mediaIds"), `Media ${mediaGid(media)} is ${media.status}; only READY media can be appended to a variant (poll it until READY).`, "NON_READY_MEDIA");
        if ((variant.mediaIds ?? []).length > 0) return mediaUserError(field("variantId"), `Product variant ${gid("ProductVariant", variant.id)} already has attached media; detach it first (productVariantDetachMedia).`, "PRODUCT_VARIANT_ALREADY_HAS_MEDIA");
        return null;
      });
      if (!("errors" in result)) {
        for (const { variant, mediaIds } of result.pairs!) variant.mediaIds = [...(variant.mediaIds ?? []), ...mediaIds];
        store.productChanged(shop, result.product!);
      }
      return answer("ProductVariantAppendMediaPayload", result);
    },

    productVariantDetachMedia: ({ productId, variantMedia }: { productId: string; variantMedia: VariantMediaInput[] }) => {
      const result = plan(productId, variantMedia, ({ variant, mediaIds, field }) => {
        const notAttached = mediaIds.find((id) => !(variant.mediaIds ?? []).includes(id));
        if (notAttached === undefined) return null;
        return mediaUserError(field("mediaIds"), `Media ${mediaGid(store.media.get(notAttached)!)} is not attached to variant ${gid("ProductVariant", variant.id)}.`, "MEDIA_IS_NOT_ATTACHED_TO_VARIANT");
      });
      if (!("errors" in result)) {
        for (const { variant, mediaIds } of result.pairs!) variant.mediaIds = (variant.mediaIds ?? []).filter((id) => !mediaIds.includes(id));
        store.productChanged(shop, result.product!);
      }
      return answer("ProductVariantDetachMediaPayload", result);
    },
  };
}
