import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";
import { appendStudioChunk, drainChunkBody, getStudioUpload } from "../studio/studio-uploads.server";
import { parseChunkOffset } from "../studio/upload-chunks";

const NOT_FOUND = { ok: false, errors: { id: "no such upload in this shop: start the upload again" } };

/** GET: one of the shop's studio files (404 for another shop's id). */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  const upload = await getStudioUpload(prisma, shop, params.id ?? "");
  return upload ? Response.json({ ok: true, upload }) : Response.json(NOT_FOUND, { status: 404 });
};

/**
 * PUT `?offset=N` with the file's raw bytes from N (at most the start answer's
 * chunkBytes). 200 `{upload}` (its receivedBytes is the next offset; a status
 * other than "uploading" means the file is complete and was matched); 409
 * `{receivedBytes}` when N is not what the server holds: continue from there;
 * 413 for a chunk that is too big; 400 for a bad offset or a chunk past the
 * file's size; errors keyed by field.
 */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "PUT") return Response.json({ ok: false, errors: { method: "Use PUT with ?offset=N to send a chunk" } }, { status: 405 });
  const { shop } = await requireShopAdmin(request);
  const length = request.headers.get("content-length");
  const contentLength = length && /^\d+$/.test(length) ? Number(length) : null;
  const offset = parseChunkOffset(new URL(request.url).searchParams.get("offset"));
  if (!offset.ok) {
    const drained = await drainChunkBody(request.body, contentLength);
    return Response.json({ ok: false, errors: { offset: offset.error } }, { status: 400, headers: drained ? {} : { Connection: "close" } });
  }
  const result = await appendStudioChunk(prisma, shop, params.id ?? "", offset.offset, request.body, { contentLength });
  if (result.ok) return Response.json(result);
  const { closeConnection, ...body } = result;
  return Response.json(body, { status: result.status, headers: closeConnection ? { Connection: "close" } : {} });
};
