-- CreateTable
CREATE TABLE "ProductionPlan" (
    "shopId" TEXT NOT NULL,
    "tier" INTEGER NOT NULL,
    "items" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "tier")
);

