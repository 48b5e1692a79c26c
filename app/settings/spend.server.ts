import type { PrismaClient } from "@prisma/client";

/** The first instant of `now`'s calendar month in UTC: budgets reset then. */
export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export interface MonthSpend {
  /** Settled costs this month (every outcome but "reserved"), micro-USD. */
  spentMicros: number;
  /** Costs held for calls not yet settled, micro-USD. */
  reservedMicros: number;
}

/** What the shop's cost ledger holds for the UTC calendar month of `now`. */
export async function monthSpendMicros(db: PrismaClient, shopId: string, now: Date): Promise<MonthSpend> {
  const start = startOfUtcMonth(now);
  const next = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const groups = await db.costEntry.groupBy({ by: ["outcome"], where: { shopId, at: { gte: start, lt: next } }, _sum: { costMicros: true } });
  let spentMicros = 0;
  let reservedMicros = 0;
  for (const group of groups) {
    const micros = group._sum.costMicros ?? 0;
    if (group.outcome === "reserved") reservedMicros += micros;
    else spentMicros += micros;
  }
  return { spentMicros, reservedMicros };
}
