-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN "bulkOperationId" TEXT;

