import type { Prisma, PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import type { Tier } from "../routing/tier-rules";
import { DEFAULT_PLANS, type PlanItem } from "./production-plan";

/** The shop's plan per tier; a tier the merchant never edited has the default plan. */
export async function loadPlans(db: PrismaClient, shopId: string): Promise<Record<Tier, PlanItem[]>> {
  const rows = await db.productionPlan.findMany({ where: { shopId } });
  const plans: Record<Tier, PlanItem[]> = { ...DEFAULT_PLANS };
  for (const row of rows) if (row.tier === 1 || row.tier === 2 || row.tier === 3) plans[row.tier] = row.items as unknown as PlanItem[];
  return plans;
}

export async function savePlans(db: PrismaClient, shopId: string, plans: Record<Tier, PlanItem[]>, actor: string): Promise<void> {
  const before = await loadPlans(db, shopId);
  await db.$transaction(
    ([1, 2, 3] as const).map((tier) =>
      db.productionPlan.upsert({
        where: { shopId_tier: { shopId, tier } },
        create: { shopId, tier, items: plans[tier] as unknown as Prisma.InputJsonValue },
        update: { items: plans[tier] as unknown as Prisma.InputJsonValue },
      }),
    ),
  );
  await recordAuditEvent(db, { shopId, actor, action: "production.plans.saved", subjectType: "ProductionPlan", data: { before, after: plans } as unknown as Prisma.InputJsonValue });
}
