-- AlterTable
ALTER TABLE "Product" ADD COLUMN "pinnedTier" INTEGER;
ALTER TABLE "Product" ADD COLUMN "routedAt" DATETIME;
ALTER TABLE "Product" ADD COLUMN "tier" INTEGER;
ALTER TABLE "Product" ADD COLUMN "tierRuleId" TEXT;
ALTER TABLE "Product" ADD COLUMN "tierSource" TEXT;

-- CreateTable
CREATE TABLE "TierRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "tier" INTEGER NOT NULL,
    "conditions" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "TierRule_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "defaultTier" INTEGER NOT NULL DEFAULT 3;

-- CreateIndex
CREATE INDEX "TierRule_shopId_position_idx" ON "TierRule"("shopId", "position");

-- CreateIndex
CREATE INDEX "Product_shopId_tier_idx" ON "Product"("shopId", "tier");

