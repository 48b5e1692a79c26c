import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import { parseBudgetForm, type Budgets } from "./budget-form";

/** The shop's spending limits in US cents (null: no limit). */
export async function loadBudgets(db: PrismaClient, shopId: string): Promise<Budgets> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { monthlyBudgetCents: true, productCapCents: true } });
  return { monthlyBudgetCents: shop?.monthlyBudgetCents ?? null, productCapCents: shop?.productCapCents ?? null };
}

/** Validates and stores both limits together, with an audit event of before and after. */
export async function saveBudgets(db: PrismaClient, shopId: string, input: Record<string, unknown>, actor: string): Promise<{ ok: true; budgets: Budgets } | { ok: false; errors: Record<string, string> }> {
  const parsed = parseBudgetForm(input);
  if (!parsed.ok) return parsed;
  await ensureShop(db, shopId);
  const before = await loadBudgets(db, shopId);
  await db.shop.update({ where: { id: shopId }, data: parsed.budgets });
  await recordAuditEvent(db, { shopId, actor, action: "production.budgets.saved", subjectType: "Shop", subjectId: shopId, data: { before: { ...before }, after: { ...parsed.budgets } } });
  return parsed;
}
