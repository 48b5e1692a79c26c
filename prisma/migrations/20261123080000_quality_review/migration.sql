-- AlterTable
ALTER TABLE "Asset" ADD COLUMN     "duplicateOfId" TEXT,
ADD COLUMN     "phash" TEXT,
ADD COLUMN     "qcAt" TIMESTAMP(3),
ADD COLUMN     "qcReport" JSONB,
ADD COLUMN     "qcStatus" TEXT,
ADD COLUMN     "qcVerdict" TEXT,
ADD COLUMN     "regeneratedFromId" TEXT,
ADD COLUMN     "regenerations" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rejectReason" TEXT,
ADD COLUMN     "retouchOfId" TEXT,
ADD COLUMN     "reviewFlagged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reviewNote" TEXT,
ADD COLUMN     "reviewStatus" TEXT,
ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ADD COLUMN     "reviewedBy" TEXT,
ADD COLUMN     "signedOffAt" TIMESTAMP(3),
ADD COLUMN     "signedOffBy" TEXT,
ADD COLUMN     "thumbKey" TEXT;

-- CreateTable
CREATE TABLE "ReviewSettings" (
    "shopId" TEXT NOT NULL,
    "brandSignOff" BOOLEAN NOT NULL DEFAULT false,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateIndex
CREATE INDEX "Asset_shopId_reviewStatus_createdAt_idx" ON "Asset"("shopId", "reviewStatus", "createdAt");

-- AddForeignKey
ALTER TABLE "ReviewSettings" ADD CONSTRAINT "ReviewSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

