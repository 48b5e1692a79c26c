-- AlterTable
ALTER TABLE "Asset" ADD COLUMN     "qcDeltaE" DOUBLE PRECISION;

-- CreateIndex
CREATE INDEX "AssetRequest_shopId_createdAt_idx" ON "AssetRequest"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Asset_shopId_createdAt_idx" ON "Asset"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Asset_shopId_finishedAt_idx" ON "Asset"("shopId", "finishedAt");

-- CreateIndex
CREATE INDEX "Asset_shopId_reviewStatus_reviewedAt_idx" ON "Asset"("shopId", "reviewStatus", "reviewedAt");

-- CreateIndex
CREATE INDEX "Publication_shopId_status_readyAt_idx" ON "Publication"("shopId", "status", "readyAt");


-- Backfill: the garment-colour check's ΔE of assets checked before this column existed.
UPDATE "Asset" SET "qcDeltaE" = (
  SELECT (c->>'score')::double precision FROM jsonb_array_elements("qcReport"->'checks') AS c
  WHERE c->>'check' = 'garment-colour' AND jsonb_typeof(c->'score') = 'number' LIMIT 1
) WHERE "qcReport" IS NOT NULL AND jsonb_typeof("qcReport"->'checks') = 'array';
