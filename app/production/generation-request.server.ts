import type { PrismaClient } from "@prisma/client";
import { recipeSpecSchema } from "../recipes/recipe-spec";
import { signedAssetUrl } from "../storage/signed-url.server";
import type { GenerationRequest } from "../providers/provider";
import type { VideoSpecInput } from "../video/video-spec";
import { PermanentGenerationError, type AssetWithContext } from "./generate-asset.server";
import { buildGenerationRequest } from "./generation-request";

/** Providers fetch our files within minutes; an hour leaves room for their queues. */
const SOURCE_URL_LIFETIME_SECONDS = 3600;

/**
 * The provider request for a candidate, rebuilt from the database on every
 * attempt: the recipe version it was planned with, the product as mirrored
 * now, and freshly signed URLs for the model reference and, for video, the
 * product's best still so far (a stored on-model front, else the flat-lay).
 */
export async function buildRequestFromDatabase(db: PrismaClient, asset: AssetWithContext): Promise<{ request: GenerationRequest; videoSpec?: VideoSpecInput }> {
  if (!asset.recipeVersionId) throw new Error(`Asset ${asset.id} has no recipe version`);
  const version = await db.recipeVersion.findUniqueOrThrow({ where: { id: asset.recipeVersionId } });
  const parsed = recipeSpecSchema.safeParse(version.spec);
  if (!parsed.success) throw new PermanentGenerationError(`Recipe version ${version.version} no longer passes validation (${parsed.error.issues[0]?.message}); save the recipe again, then retry`);
  const spec = parsed.data;
  const product = await db.product.findUniqueOrThrow({
    where: { id: asset.productId },
    include: { tags: { select: { tag: true } }, variants: { select: { options: true }, orderBy: { position: "asc" } } },
  });
  let sourceImageUrl = product.featuredImageUrl;
  if (asset.kind === "video") {
    const still = await db.asset.findFirst({
      where: { productId: asset.productId, kind: "image", status: "stored", storageKey: { not: null }, request: { asset: "on-model-front" } },
      orderBy: { finishedAt: "desc" },
      select: { storageKey: true },
    });
    if (still?.storageKey) sourceImageUrl = signedAssetUrl(still.storageKey, { expiresInSeconds: SOURCE_URL_LIFETIME_SECONDS });
  }
  if (!sourceImageUrl) throw new MissingSourceImageError(product.title);
  const referenceId = spec.modelReferenceIds[0];
  const reference = referenceId ? await db.modelReference.findFirst({ where: { id: referenceId, shopId: asset.shopId }, select: { storageKey: true } }) : null;
  const request = buildGenerationRequest({
    spec,
    product: { title: product.title, productType: product.productType, vendor: product.vendor, tags: product.tags.map((t) => t.tag), variants: product.variants.map((v) => ({ options: v.options as Record<string, string> })) },
    candidate: asset,
    sourceImageUrl,
    modelImageUrl: reference ? signedAssetUrl(reference.storageKey, { expiresInSeconds: SOURCE_URL_LIFETIME_SECONDS }) : undefined,
  });
  return { request, videoSpec: asset.kind === "video" ? spec.output.video : undefined };
}

export class MissingSourceImageError extends PermanentGenerationError {
  constructor(title: string) {
    super(`"${title}" has no product image to start from: add a flat-lay or packshot in Shopify, then retry`);
    this.name = "MissingSourceImageError";
  }
}
