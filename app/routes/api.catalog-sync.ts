import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { catalogSyncStatus, startCatalogSync, stopCatalogSync } from "../catalog/catalog-sync-requests.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

/** GET: the shop's current or last catalog sync, polled by the home page. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  return Response.json(await catalogSyncStatus(shop));
};

const formSchema = z.object({
  intent: z.enum(["start", "cancel"], { error: "intent must be start or cancel" }).default("start"),
  kind: z.enum(["bulk", "paginated"], { error: "kind must be bulk or paginated" }).default("bulk"),
});

/** POST: start a catalog sync (refused with 409 while one runs), or cancel the running one. */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ error: "Use POST to start or cancel a sync" }, { status: 405 });
  const { shop, actor } = await requireShopAdmin(request);
  const body = request.headers.get("content-type") ? Object.fromEntries(await request.formData()) : {};
  const form = formSchema.safeParse(body);
  if (!form.success) return Response.json({ ok: false, error: form.error.issues.map((i) => i.message).join("; ") }, { status: 400 });
  if (form.data.intent === "cancel") {
    const stopped = await stopCatalogSync(shop, actor);
    return Response.json(stopped, { status: stopped.ok ? 200 : 409 });
  }
  const result = await startCatalogSync(shop, actor, form.data.kind);
  return Response.json(result, { status: result.ok ? 202 : result.status });
};
