-- AlterTable
ALTER TABLE "Asset" ADD COLUMN     "qcDeltaE" DOUBLE PRECISION,
ADD COLUMN     "requestedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Publication" ADD COLUMN     "lane" TEXT,
ADD COLUMN     "requestedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ProductCoverage" (
    "productId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "aiOnModel" INTEGER NOT NULL DEFAULT 0,
    "aiPackshot" INTEGER NOT NULL DEFAULT 0,
    "aiVideo" INTEGER NOT NULL DEFAULT 0,
    "studioOnModel" INTEGER NOT NULL DEFAULT 0,
    "studioPackshot" INTEGER NOT NULL DEFAULT 0,
    "studioVideo" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductCoverage_pkey" PRIMARY KEY ("productId")
);

-- CreateIndex
CREATE INDEX "ProductCoverage_shopId_idx" ON "ProductCoverage"("shopId");

-- CreateIndex
CREATE INDEX "AssetRequest_shopId_createdAt_idx" ON "AssetRequest"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Asset_shopId_createdAt_idx" ON "Asset"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Asset_shopId_finishedAt_idx" ON "Asset"("shopId", "finishedAt");

-- CreateIndex
CREATE INDEX "Asset_shopId_reviewStatus_reviewedAt_idx" ON "Asset"("shopId", "reviewStatus", "reviewedAt");

-- CreateIndex
CREATE INDEX "Asset_shopId_reviewStatus_signedOffAt_idx" ON "Asset"("shopId", "reviewStatus", "signedOffAt");

-- CreateIndex
CREATE INDEX "Publication_shopId_status_readyAt_idx" ON "Publication"("shopId", "status", "readyAt");

-- AddForeignKey
ALTER TABLE "ProductCoverage" ADD CONSTRAINT "ProductCoverage_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill: the garment-colour check's ΔE of assets checked before this column existed.
UPDATE "Asset" SET "qcDeltaE" = (
  SELECT (c->>'score')::double precision FROM jsonb_array_elements("qcReport"->'checks') AS c
  WHERE c->>'check' = 'garment-colour' AND jsonb_typeof(c->'score') = 'number' LIMIT 1
) WHERE "qcReport" IS NOT NULL AND jsonb_typeof("qcReport"->'checks') = 'array';

-- ProductCoverage is a maintained aggregate (ADR 0031): approved assets per product, lane and coverage kind
-- (the request's plan asset: every on-model view, packshot, video). This trigger on Asset keeps it, so the
-- dashboard's coverage reads one row per product, and no application path can forget to update it. Detail and
-- lifestyle requests are not coverage, and a request already gone (its shop being erased) has nothing to count.
-- The driver adapter splits a migration at every semicolon (ADR 0008), so the PL/pgSQL bodies write theirs as \x3b.
CREATE FUNCTION "product_coverage_add"(p_shop TEXT, p_product TEXT, p_request TEXT, p_lane TEXT, p_delta INTEGER, p_may_insert BOOLEAN) RETURNS void
LANGUAGE plpgsql AS E'
DECLARE
  kind TEXT\x3b
  col TEXT\x3b
BEGIN
  SELECT CASE WHEN r."asset" LIKE ''on-model%'' THEN ''OnModel'' WHEN r."asset" = ''packshot'' THEN ''Packshot'' WHEN r."asset" = ''video'' THEN ''Video'' END
    INTO kind FROM "AssetRequest" r WHERE r."id" = p_request\x3b
  IF kind IS NULL THEN
    RETURN\x3b
  END IF\x3b
  col := CASE WHEN p_lane = ''studio'' THEN ''studio'' ELSE ''ai'' END || kind\x3b
  IF p_may_insert THEN
    INSERT INTO "ProductCoverage" AS pc ("productId", "shopId", "aiOnModel", "aiPackshot", "aiVideo", "studioOnModel", "studioPackshot", "studioVideo")
    VALUES (p_product, p_shop,
      CASE WHEN col = ''aiOnModel'' THEN p_delta ELSE 0 END, CASE WHEN col = ''aiPackshot'' THEN p_delta ELSE 0 END, CASE WHEN col = ''aiVideo'' THEN p_delta ELSE 0 END,
      CASE WHEN col = ''studioOnModel'' THEN p_delta ELSE 0 END, CASE WHEN col = ''studioPackshot'' THEN p_delta ELSE 0 END, CASE WHEN col = ''studioVideo'' THEN p_delta ELSE 0 END)
    ON CONFLICT ("productId") DO UPDATE SET
      "aiOnModel" = pc."aiOnModel" + EXCLUDED."aiOnModel", "aiPackshot" = pc."aiPackshot" + EXCLUDED."aiPackshot", "aiVideo" = pc."aiVideo" + EXCLUDED."aiVideo",
      "studioOnModel" = pc."studioOnModel" + EXCLUDED."studioOnModel", "studioPackshot" = pc."studioPackshot" + EXCLUDED."studioPackshot", "studioVideo" = pc."studioVideo" + EXCLUDED."studioVideo",
      "updatedAt" = CURRENT_TIMESTAMP\x3b
  ELSE
    UPDATE "ProductCoverage" SET
      "aiOnModel" = "aiOnModel" + CASE WHEN col = ''aiOnModel'' THEN p_delta ELSE 0 END,
      "aiPackshot" = "aiPackshot" + CASE WHEN col = ''aiPackshot'' THEN p_delta ELSE 0 END,
      "aiVideo" = "aiVideo" + CASE WHEN col = ''aiVideo'' THEN p_delta ELSE 0 END,
      "studioOnModel" = "studioOnModel" + CASE WHEN col = ''studioOnModel'' THEN p_delta ELSE 0 END,
      "studioPackshot" = "studioPackshot" + CASE WHEN col = ''studioPackshot'' THEN p_delta ELSE 0 END,
      "studioVideo" = "studioVideo" + CASE WHEN col = ''studioVideo'' THEN p_delta ELSE 0 END,
      "updatedAt" = CURRENT_TIMESTAMP
    WHERE "productId" = p_product\x3b
  END IF\x3b
END\x3b
';

CREATE FUNCTION "asset_product_coverage"() RETURNS trigger
LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    IF OLD."reviewStatus" IS NOT DISTINCT FROM NEW."reviewStatus" AND OLD."source" = NEW."source" AND OLD."requestId" = NEW."requestId" AND OLD."productId" = NEW."productId" THEN
      RETURN NULL\x3b
    END IF\x3b
  END IF\x3b
  IF TG_OP <> ''INSERT'' THEN
    IF OLD."reviewStatus" = ''approved'' THEN
      PERFORM "product_coverage_add"(OLD."shopId", OLD."productId", OLD."requestId", OLD."source", -1, FALSE)\x3b
    END IF\x3b
  END IF\x3b
  IF TG_OP <> ''DELETE'' THEN
    IF NEW."reviewStatus" = ''approved'' THEN
      PERFORM "product_coverage_add"(NEW."shopId", NEW."productId", NEW."requestId", NEW."source", 1, TRUE)\x3b
    END IF\x3b
  END IF\x3b
  RETURN NULL\x3b
END\x3b
';

CREATE TRIGGER "Asset_product_coverage" AFTER INSERT OR DELETE OR UPDATE OF "reviewStatus", "source", "requestId", "productId" ON "Asset"
FOR EACH ROW EXECUTE FUNCTION "asset_product_coverage"();

-- Backfill: what the trigger would have counted for the assets approved so far.
INSERT INTO "ProductCoverage" ("productId", "shopId", "aiOnModel", "aiPackshot", "aiVideo", "studioOnModel", "studioPackshot", "studioVideo")
SELECT a."productId", min(a."shopId"),
  count(*) FILTER (WHERE a."source" <> 'studio' AND r."asset" LIKE 'on-model%'), count(*) FILTER (WHERE a."source" <> 'studio' AND r."asset" = 'packshot'), count(*) FILTER (WHERE a."source" <> 'studio' AND r."asset" = 'video'),
  count(*) FILTER (WHERE a."source" = 'studio' AND r."asset" LIKE 'on-model%'), count(*) FILTER (WHERE a."source" = 'studio' AND r."asset" = 'packshot'), count(*) FILTER (WHERE a."source" = 'studio' AND r."asset" = 'video')
FROM "Asset" a JOIN "AssetRequest" r ON r."id" = a."requestId"
WHERE a."reviewStatus" = 'approved' AND (r."asset" LIKE 'on-model%' OR r."asset" IN ('packshot', 'video'))
GROUP BY a."productId";

-- Turnaround needs each asset's request time, and the live figures each publication's request time and lane.
-- Copied once on insert by these triggers (the request and the asset never change under them), so the
-- dashboard's medians read one table each instead of joining 100,000 assets to their requests.
CREATE FUNCTION "asset_requested_at"() RETURNS trigger
LANGUAGE plpgsql AS E'BEGIN SELECT r."createdAt" INTO NEW."requestedAt" FROM "AssetRequest" r WHERE r."id" = NEW."requestId"\x3b RETURN NEW\x3b END';

CREATE TRIGGER "Asset_requested_at" BEFORE INSERT OR UPDATE OF "requestId" ON "Asset"
FOR EACH ROW EXECUTE FUNCTION "asset_requested_at"();

CREATE FUNCTION "publication_asset_facts"() RETURNS trigger
LANGUAGE plpgsql AS E'BEGIN SELECT a."requestedAt", a."source" INTO NEW."requestedAt", NEW."lane" FROM "Asset" a WHERE a."id" = NEW."assetId"\x3b RETURN NEW\x3b END';

CREATE TRIGGER "Publication_asset_facts" BEFORE INSERT OR UPDATE OF "assetId" ON "Publication"
FOR EACH ROW EXECUTE FUNCTION "publication_asset_facts"();

UPDATE "Asset" a SET "requestedAt" = r."createdAt" FROM "AssetRequest" r WHERE r."id" = a."requestId";
UPDATE "Publication" p SET "requestedAt" = a."requestedAt", "lane" = a."source" FROM "Asset" a WHERE a."id" = p."assetId";
