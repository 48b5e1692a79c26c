-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "launchDate" TIMESTAMP(3),
ADD COLUMN     "priority" INTEGER;

-- AlterTable
ALTER TABLE "Asset" ADD COLUMN     "referenceAssetId" TEXT;

-- CreateTable
CREATE TABLE "StudioSettings" (
    "shopId" TEXT NOT NULL,
    "imagesPerDay" INTEGER NOT NULL DEFAULT 300,
    "workdays" INTEGER[] DEFAULT ARRAY[1, 2, 3, 4, 5]::INTEGER[],
    "leadDays" INTEGER NOT NULL DEFAULT 7,
    "imagesPerView" INTEGER NOT NULL DEFAULT 1,
    "namingTemplate" TEXT NOT NULL DEFAULT '{sku}_{view}',
    "watchPrefix" TEXT,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StudioSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "ShotList" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "firstDay" TIMESTAMP(3),
    "lastDay" TIMESTAMP(3),
    "images" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "ShotList_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShotListLine" (
    "id" TEXT NOT NULL,
    "shotListId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "studioDay" TIMESTAMP(3) NOT NULL,
    "dueDate" TIMESTAMP(3),
    "late" BOOLEAN NOT NULL DEFAULT false,
    "sku" TEXT,
    "productTitle" TEXT NOT NULL,
    "colourway" TEXT,
    "views" TEXT[],
    "images" INTEGER NOT NULL,
    "stylingNotes" TEXT NOT NULL DEFAULT '',
    "referenceUrl" TEXT,
    "deliveredViews" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "ShotListLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StudioUpload" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "watchKey" TEXT,
    "contentType" TEXT,
    "size" INTEGER NOT NULL,
    "receivedBytes" INTEGER NOT NULL DEFAULT 0,
    "sha256" TEXT,
    "storageKey" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "suggestions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "candidateIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "productId" TEXT,
    "sku" TEXT,
    "colour" TEXT,
    "assetKind" TEXT,
    "variantIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "assetId" TEXT,
    "orderId" TEXT,
    "matchedBy" TEXT,
    "assignedBy" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "StudioUpload_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShotList_shopId_status_idx" ON "ShotList"("shopId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ShotList_shopId_number_key" ON "ShotList"("shopId", "number");

-- CreateIndex
CREATE INDEX "ShotListLine_shotListId_position_idx" ON "ShotListLine"("shotListId", "position");

-- CreateIndex
CREATE INDEX "ShotListLine_shopId_productId_idx" ON "ShotListLine"("shopId", "productId");

-- CreateIndex
CREATE UNIQUE INDEX "StudioUpload_assetId_key" ON "StudioUpload"("assetId");

-- CreateIndex
CREATE INDEX "StudioUpload_shopId_status_createdAt_idx" ON "StudioUpload"("shopId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "StudioUpload_shopId_sourceKey_idx" ON "StudioUpload"("shopId", "sourceKey");

-- CreateIndex
CREATE INDEX "StudioUpload_shopId_sha256_idx" ON "StudioUpload"("shopId", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "StudioUpload_shopId_watchKey_key" ON "StudioUpload"("shopId", "watchKey");

-- AddForeignKey
ALTER TABLE "StudioSettings" ADD CONSTRAINT "StudioSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShotList" ADD CONSTRAINT "ShotList_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShotListLine" ADD CONSTRAINT "ShotListLine_shotListId_fkey" FOREIGN KEY ("shotListId") REFERENCES "ShotList"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StudioUpload" ADD CONSTRAINT "StudioUpload_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

