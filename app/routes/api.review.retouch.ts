import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { MAX_RETOUCH_BYTES, uploadRetouch } from "../review/review-actions.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

const USE_POST = "Use POST with a multipart form (assetId, file) to upload a retouched file";
const TOO_LARGE = { ok: false, errors: { file: `the file is larger than ${MAX_RETOUCH_BYTES / 1048576} MB: export it smaller or as JPEG` } };

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShopAdmin(request);
  return Response.json({ ok: false, errors: { file: USE_POST } }, { status: 405 });
};

/**
 * POST multipart/form-data: `assetId` (the asset the retoucher corrected) and
 * `file` (the corrected master). The file is streamed into memory with a
 * limit one byte over the service's, so an oversized upload stops early; the
 * service checks the bytes and answers the ReviewOutcome.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ ok: false, errors: { file: USE_POST } }, { status: 405 });
  const { shop, actor } = await requireShopAdmin(request);
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    return Response.json({ ok: false, errors: { file: "send the corrected file as a multipart form upload" } }, { status: 400 });
  }
  // A declared body far over the limit is refused before it is read.
  if (Number(request.headers.get("content-length") ?? 0) > MAX_RETOUCH_BYTES + 1024 * 1024) return Response.json(TOO_LARGE, { status: 413 });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_RETOUCH_BYTES + 1 }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return Response.json(TOO_LARGE, { status: 413 });
    throw error;
  }
  const assetId = form.get("assetId");
  if (typeof assetId !== "string" || !/^[a-z0-9]{20,40}$/.test(assetId)) return Response.json({ ok: false, errors: { assetId: "is missing or not an asset id: reload the compare view" } }, { status: 400 });
  const file = form.get("file");
  const outcome = await uploadRetouch({ shopId: shop, actor }, assetId, file instanceof File ? file : null);
  return Response.json(outcome, { status: outcome.ok ? 200 : 400 });
};
