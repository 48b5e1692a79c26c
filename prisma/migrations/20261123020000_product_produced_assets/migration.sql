-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "producedAssets" TEXT[] DEFAULT ARRAY[]::TEXT[];

