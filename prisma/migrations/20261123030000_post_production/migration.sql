-- AlterTable
ALTER TABLE "Asset" ADD COLUMN     "postError" TEXT,
ADD COLUMN     "postErrorCode" TEXT,
ADD COLUMN     "postProcessedAt" TIMESTAMP(3),
ADD COLUMN     "postReport" JSONB,
ADD COLUMN     "postStatus" TEXT,
ADD COLUMN     "sourceMediaId" TEXT,
ADD COLUMN     "sourceUrl" TEXT;

-- CreateTable
CREATE TABLE "PostProductionSettings" (
    "shopId" TEXT NOT NULL,
    "channels" JSONB NOT NULL,
    "namingTemplate" TEXT NOT NULL DEFAULT '{sku}_{view}_{channel}.{ext}',
    "activeLutId" TEXT,
    "lutInterpolation" TEXT NOT NULL DEFAULT 'tetrahedral',
    "aiDisclosure" BOOLEAN NOT NULL DEFAULT true,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PostProductionSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "BrandLut" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BrandLut_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AssetRendition" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AssetRendition_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BrandLut_shopId_idx" ON "BrandLut"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "AssetRendition_assetId_channel_key" ON "AssetRendition"("assetId", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "AssetRendition_shopId_fileName_key" ON "AssetRendition"("shopId", "fileName");

-- AddForeignKey
ALTER TABLE "PostProductionSettings" ADD CONSTRAINT "PostProductionSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BrandLut" ADD CONSTRAINT "BrandLut_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssetRendition" ADD CONSTRAINT "AssetRendition_assetId_fkey" FOREIGN KEY ("assetId") REFERENCES "Asset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

