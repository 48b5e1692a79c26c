-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "draftHeldAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Asset" ADD COLUMN     "colour" TEXT;

-- CreateTable
CREATE TABLE "PublishingSettings" (
    "shopId" TEXT NOT NULL,
    "placement" TEXT NOT NULL DEFAULT 'after-studio',
    "replaceAll" BOOLEAN NOT NULL DEFAULT false,
    "altTemplate" TEXT NOT NULL DEFAULT '{title} – {colour} – {view}',
    "aiDisclosure" BOOLEAN NOT NULL DEFAULT true,
    "publishOnApproval" BOOLEAN NOT NULL DEFAULT true,
    "autoProduceTiers" INTEGER[] DEFAULT ARRAY[3]::INTEGER[],
    "draftUntilPublished" BOOLEAN NOT NULL DEFAULT false,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PublishingSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "Publication" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "view" TEXT,
    "colour" TEXT,
    "channel" TEXT,
    "fileName" TEXT NOT NULL,
    "alt" TEXT NOT NULL,
    "resourceUrl" TEXT,
    "mediaBefore" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attachStartedAt" TIMESTAMP(3),
    "mediaId" TEXT,
    "variantIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "snapshotId" TEXT,
    "errorCode" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "requestedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "readyAt" TIMESTAMP(3),

    CONSTRAINT "Publication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MediaSnapshot" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "media" JSONB NOT NULL,
    "variantMedia" JSONB NOT NULL,
    "productStatus" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revertRequestedAt" TIMESTAMP(3),
    "revertRequestedBy" TEXT,
    "revertError" TEXT,
    "revertedAt" TIMESTAMP(3),
    "revertedBy" TEXT,

    CONSTRAINT "MediaSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Publication_assetId_key" ON "Publication"("assetId");

-- CreateIndex
CREATE INDEX "Publication_shopId_status_idx" ON "Publication"("shopId", "status");

-- CreateIndex
CREATE INDEX "Publication_shopId_productId_idx" ON "Publication"("shopId", "productId");

-- CreateIndex
CREATE INDEX "MediaSnapshot_shopId_productId_createdAt_idx" ON "MediaSnapshot"("shopId", "productId", "createdAt");

-- AddForeignKey
ALTER TABLE "PublishingSettings" ADD CONSTRAINT "PublishingSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_assetId_fkey" FOREIGN KEY ("assetId") REFERENCES "Asset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediaSnapshot" ADD CONSTRAINT "MediaSnapshot_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

