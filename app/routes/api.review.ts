import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { approveAllPassed, decideReview } from "../review/review-actions.server";
import { parseReviewFilters } from "../review/review-filters";
import { reviewDecisionInput } from "../review/review-grid";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

const USE_POST = "Use POST to decide on assets";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShopAdmin(request);
  return Response.json({ ok: false, errors: { intent: USE_POST } }, { status: 405 });
};

/**
 * POST, form-encoded. `intent=approve-all-passed` approves everything awaiting
 * review with a pass verdict that the form's filter fields (verdict, tier,
 * collection, category, source, state, product) select. Any other intent is a
 * decision on `assetIds`, sent as repeated form fields (`assetIds=a&assetIds=b`),
 * with `reason` and `note` for a reject and `flagged=true|false` for a flag.
 * Answers the ReviewOutcome as JSON; a refused form is a 400 whose errors are
 * keyed by field.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ ok: false, errors: { intent: USE_POST } }, { status: 405 });
  const { shop, actor } = await requireShopAdmin(request);
  const form = await request.formData();
  const ctx = { shopId: shop, actor };
  if (form.get("intent") === "approve-all-passed") {
    const params = new URLSearchParams();
    for (const [key, value] of form.entries()) if (key !== "intent" && typeof value === "string") params.append(key, value);
    const filters = parseReviewFilters(params);
    if (!filters.ok) return Response.json({ ok: false, errors: filters.errors }, { status: 400 });
    return Response.json(await approveAllPassed(ctx, filters.filters));
  }
  const outcome = await decideReview(ctx, reviewDecisionInput(form));
  return Response.json(outcome, { status: outcome.ok ? 200 : 400 });
};
