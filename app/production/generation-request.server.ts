import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { recipeSpecSchema } from "../recipes/recipe-spec";
import { colourways } from "../studio/shot-list";
import { signedAssetUrl } from "../storage/signed-url.server";
import type { GenerationRequest } from "../providers/provider";
import type { VideoSpecInput } from "../video/video-spec";
import { PermanentGenerationError, type AssetWithContext } from "./generate-asset.server";
import { chooseStudioReference, garmentImageFor, isUsableStudioShot } from "./colourway-plan";
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
  const studio = asset.kind === "image" && spec.studioReference ? await studioReference(db, asset, product) : null;
  if (studio?.garmentUrl) sourceImageUrl = studio.garmentUrl;
  if (!sourceImageUrl) throw new MissingSourceImageError(product.title);
  const referenceId = spec.modelReferenceIds[0];
  const reference = !studio && referenceId ? await db.modelReference.findFirst({ where: { id: referenceId, shopId: asset.shopId }, select: { storageKey: true } }) : null;
  const request = buildGenerationRequest({
    spec,
    product: { title: product.title, productType: product.productType, vendor: product.vendor, tags: product.tags.map((t) => t.tag), variants: product.variants.map((v) => ({ options: v.options as Record<string, string> })) },
    candidate: asset,
    sourceImageUrl,
    modelImageUrl: studio ? studio.modelImageUrl : reference ? signedAssetUrl(reference.storageKey, { expiresInSeconds: SOURCE_URL_LIFETIME_SECONDS }) : undefined,
  });
  return { request, videoSpec: asset.kind === "video" ? spec.output.video : undefined };
}

/** Renditions a studio shot is best read from as a model reference: the product-page ones, portrait first. */
const REFERENCE_CHANNELS = ["pdp-portrait", "pdp-square"];

/**
 * With the recipe's studio-reference option: a studio shot of another
 * colourway of the product is the model (its product-page rendition, else the
 * original), and this colourway's own image the garment. The choice is
 * recorded on the candidate once (with an audit event) and kept on every
 * later attempt while that shot stays usable. Null when there is no such shot:
 * the request is built as without the option.
 */
async function studioReference(db: PrismaClient, asset: AssetWithContext, product: { id: string; featuredImageUrl: string | null; variants: { options: unknown }[] }): Promise<{ modelImageUrl: string; garmentUrl: string | null } | null> {
  const rows = await db.asset.findMany({
    where: { shopId: asset.shopId, productId: asset.productId, source: "studio", status: "stored", postStatus: "done", storageKey: { not: null } },
    select: {
      id: true,
      colour: true,
      source: true,
      status: true,
      postStatus: true,
      qcVerdict: true,
      reviewStatus: true,
      storageKey: true,
      createdAt: true,
      request: { select: { asset: true } },
      renditions: { where: { channel: { in: REFERENCE_CHANNELS } }, select: { channel: true, storageKey: true } },
    },
  });
  const shots = rows.filter(isUsableStudioShot).map((row) => ({ ...row, asset: row.request.asset, approved: row.reviewStatus === "approved", at: row.createdAt }));
  const target = { asset: asset.request.asset, colour: asset.colour };
  const kept = shots.find((s) => s.id === asset.referenceAssetId);
  // The shot chosen on the first attempt stays the reference while it is usable, so retries ask for the same picture.
  const shot = kept && chooseStudioReference(target, [kept]) ? kept : chooseStudioReference(target, shots);
  if (!shot) return null;
  const rendition = REFERENCE_CHANNELS.map((channel) => shot.renditions.find((r) => r.channel === channel)).find((r) => r !== undefined);
  const garment = await colourwayGarmentImage(db, asset, product);
  if (asset.referenceAssetId !== shot.id) {
    await db.$transaction(async (tx) => {
      const changed = await tx.asset.updateMany({ where: { id: asset.id, OR: [{ referenceAssetId: null }, { referenceAssetId: { not: shot.id } }] }, data: { referenceAssetId: shot.id } });
      if (changed.count === 0) return;
      await recordAuditEvent(tx, {
        shopId: asset.shopId,
        actor: "system:production",
        action: "production.studio-reference",
        subjectType: "asset",
        subjectId: asset.id,
        data: { referenceAssetId: shot.id, referenceColour: shot.colour, referenceView: shot.asset, colour: asset.colour, garment: garment.from === "colourway-image" ? "the colourway's own image" : "the featured image", ...(asset.referenceAssetId ? { replaces: asset.referenceAssetId } : {}) },
      });
    });
  }
  return { modelImageUrl: signedAssetUrl(rendition?.storageKey ?? shot.storageKey!, { expiresInSeconds: SOURCE_URL_LIFETIME_SECONDS }), garmentUrl: garment.url };
}

/**
 * The garment image of the asset's colourway (garmentImageFor over the
 * merchant's own media), for the generation request and for the QC check that
 * compares the garment's colours with it.
 */
export async function colourwayGarmentImage(
  db: PrismaClient,
  asset: { shopId: string; productId: string; colour: string | null },
  product: { featuredImageUrl: string | null; variants: { options: unknown }[] },
): Promise<{ url: string | null; from: "colourway-image" | "featured-image"; firstColourway: string | null }> {
  const [media, published] = await Promise.all([
    db.productMedia.findMany({ where: { productId: asset.productId }, orderBy: { position: "asc" }, select: { id: true, url: true, alt: true, contentType: true } }),
    db.publication.findMany({ where: { shopId: asset.shopId, productId: asset.productId, mediaId: { not: null } }, select: { mediaId: true } }),
  ]);
  // Shotlane's own published images are AI or earlier output: never a garment source.
  const ours = new Set(published.map((p) => p.mediaId));
  const colourwayNames = colourways(product.variants.map((v) => ({ sku: null, options: optionsOf(v.options) }))).map((c) => c.colourway);
  return { ...garmentImageFor(asset.colour, colourwayNames, media.filter((m) => !ours.has(m.id)), product.featuredImageUrl), firstColourway: colourwayNames[0] ?? null };
}

function optionsOf(value: unknown): Record<string, string> {
  return value && typeof value === "object" ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, v]) => [name, String(v)])) : {};
}

export class MissingSourceImageError extends PermanentGenerationError {
  constructor(title: string) {
    super(`"${title}" has no product image to start from: add a flat-lay or packshot in Shopify, then retry`);
    this.name = "MissingSourceImageError";
  }
}
