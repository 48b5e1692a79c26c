import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";
import { assetStore } from "../storage/asset-store.server";
import { assignStudioUpload, discardStudioUpload, StudioIntakeError } from "../studio/studio-intake.server";
import { getStudioUpload } from "../studio/studio-uploads.server";

const USE_POST = "Use POST to assign or discard a studio file";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShopAdmin(request);
  return Response.json({ ok: false, errors: { method: USE_POST } }, { status: 405 });
};

/**
 * POST, form-encoded or JSON. `{productId, assetKind, colour}` assigns an
 * unmatched, ambiguous or duplicate file by hand (the intake validates each
 * field); `intent=discard` sets it aside. 404 for another shop's file; a
 * refused assignment is a 400 whose errors are keyed by field.
 */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ ok: false, errors: { method: USE_POST } }, { status: 405 });
  const { shop, actor } = await requireShopAdmin(request);
  const uploadId = params.id ?? "";
  if (!(await getStudioUpload(prisma, shop, uploadId))) return Response.json({ ok: false, errors: { id: "no such studio file in this shop: reload the page" } }, { status: 404 });

  let fields: Record<string, unknown>;
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    try {
      const body: unknown = await request.json();
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object");
      fields = body as Record<string, unknown>;
    } catch {
      return Response.json({ ok: false, errors: { body: "send a JSON object: {productId, assetKind, colour} or {intent: \"discard\"}" } }, { status: 400 });
    }
  } else {
    fields = Object.fromEntries(await request.formData());
  }

  if (fields.intent === "discard") {
    try {
      return Response.json({ ok: true, upload: await discardStudioUpload(prisma, shop, uploadId, actor) });
    } catch (error) {
      if (!(error instanceof StudioIntakeError)) throw error;
      return Response.json({ ok: false, errors: { [error.field]: error.message.replace(`${error.field}: `, "") } }, { status: 400 });
    }
  }
  if (fields.intent !== undefined && fields.intent !== "assign") return Response.json({ ok: false, errors: { intent: "intent must be assign or discard" } }, { status: 400 });
  const colour = typeof fields.colour === "string" && fields.colour.trim() !== "" ? fields.colour : null;
  const result = await assignStudioUpload({ db: prisma, store: assetStore() }, shop, uploadId, { productId: fields.productId, assetKind: fields.assetKind, colour }, actor);
  return Response.json(result, { status: result.ok ? 200 : 400 });
};
