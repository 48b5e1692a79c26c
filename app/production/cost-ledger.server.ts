import type { Prisma, PrismaClient } from "@prisma/client";
import type { Usage } from "../providers/provider";
import { checkBudget, monthStart, type BudgetDecision } from "./budget";

export interface LedgerSubject {
  shopId: string;
  productId: string;
  orderId: string;
  assetId: string;
  provider: string;
  model: string;
  operation: string;
}

async function spendSince(tx: Prisma.TransactionClient, where: Prisma.CostEntryWhereInput): Promise<number> {
  const sum = await tx.costEntry.aggregate({ where, _sum: { costMicros: true } });
  return sum._sum.costMicros ?? 0;
}

/**
 * Checks both limits and, when the call fits, reserves its estimate in the
 * ledger, in one transaction under a per-shop advisory lock: two workers
 * checking at once cannot both spend the last dollar. The reservation counts
 * against the limits until the call settles.
 */
export async function reserveSpend(db: PrismaClient, subject: LedgerSubject, estimate: Usage, now = new Date()): Promise<BudgetDecision> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`shotlane-budget:${subject.shopId}`}))`;
    const shop = await tx.shop.findUniqueOrThrow({ where: { id: subject.shopId }, select: { monthlyBudgetCents: true, productCapCents: true } });
    // A reservation left by a crashed attempt of this same asset is replaced, not counted twice.
    await tx.costEntry.deleteMany({ where: { assetId: subject.assetId, outcome: "reserved" } });
    const decision = checkBudget(
      {
        monthMicros: await spendSince(tx, { shopId: subject.shopId, at: { gte: monthStart(now) } }),
        productMicros: await spendSince(tx, { shopId: subject.shopId, productId: subject.productId }),
        monthlyBudgetCents: shop.monthlyBudgetCents,
        productCapCents: shop.productCapCents,
      },
      estimate.costMicros,
    );
    if (decision.ok) {
      await tx.costEntry.create({ data: { ...subject, unit: estimate.unit, units: estimate.units, costMicros: estimate.costMicros, outcome: "reserved", at: now } });
    }
    return decision;
  });
}

/**
 * Turns the asset's reservation into what the call really cost and how it
 * ended (succeeded, failed, canceled). Failed and rejected calls stay in the
 * ledger: that is the wasted spend the merchant sees.
 */
export async function settleSpend(db: PrismaClient | Prisma.TransactionClient, subject: LedgerSubject, outcome: "succeeded" | "failed" | "canceled", usage: Usage | undefined, providerJobId: string | null, now = new Date()): Promise<void> {
  const reserved = await db.costEntry.deleteMany({ where: { assetId: subject.assetId, outcome: "reserved" } });
  // No call was reserved and none reported usage: nothing reached the provider, nothing to record.
  if (reserved.count === 0 && !usage) return;
  await db.costEntry.create({
    data: {
      ...subject,
      unit: usage?.unit ?? "call",
      units: usage?.units ?? 0,
      costMicros: usage?.costMicros ?? 0,
      outcome,
      providerJobId,
      at: now,
    },
  });
}

/** Drops a reservation whose call never reached the provider. */
export async function releaseReservation(db: PrismaClient, assetId: string): Promise<void> {
  await db.costEntry.deleteMany({ where: { assetId, outcome: "reserved" } });
}
