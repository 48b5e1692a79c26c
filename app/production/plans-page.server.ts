import { z } from "zod";
import prisma from "../db.server";
import { loadPlans, savePlans } from "./plans.server";
import { parsePlansForm } from "./production-plan";

export async function loadPlansPage(shopId: string) {
  return { plans: await loadPlans(prisma, shopId) };
}

const envelope = z.object({ payload: z.string().min(2, "payload is missing: send the plans as JSON") });

/** Saves the three tier plans together, or nothing (field errors say what to fix). */
export async function submitPlansForm(shopId: string, form: FormData, actor: string): Promise<{ ok: true } | { ok: false; errors: Record<string, string> }> {
  const parsed = envelope.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, errors: { form: parsed.error.issues[0].message } };
  let input: unknown;
  try {
    input = JSON.parse(parsed.data.payload);
  } catch {
    return { ok: false, errors: { form: "the plans could not be read (invalid JSON); reload the page and try again" } };
  }
  const plans = parsePlansForm(input);
  if (!plans.ok) return plans;
  await savePlans(prisma, shopId, plans.plans, actor);
  return { ok: true };
}
