import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import prisma from "../db.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";
import { STUDIO_UPLOAD_STATUSES } from "../studio/studio-intake";
import { listStudioUploads } from "../studio/studio-intake.server";
import { startStudioUpload } from "../studio/studio-uploads.server";

const listQuery = z.object({
  status: z.array(z.enum(STUDIO_UPLOAD_STATUSES, { error: `status must be one of ${STUDIO_UPLOAD_STATUSES.join(", ")}` })).optional(),
  page: z.coerce.number({ error: "page must be a whole number from 1" }).int("page must be a whole number from 1").min(1, "page must be a whole number from 1").default(1),
});

/** GET: the shop's studio files, newest first; `?status=unmatched&status=ambiguous` (or comma-separated) filters, `?page=2` pages (50 each). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShopAdmin(request);
  const params = new URL(request.url).searchParams;
  const status = params.getAll("status").flatMap((value) => value.split(",")).filter(Boolean);
  const query = listQuery.safeParse({ status: status.length > 0 ? status : undefined, page: params.get("page") ?? undefined });
  if (!query.success) return Response.json({ ok: false, errors: Object.fromEntries(query.error.issues.map((issue) => [String(issue.path[0]), issue.message])) }, { status: 400 });
  return Response.json({ ok: true, ...(await listStudioUploads(prisma, shop, query.data)) });
};

/**
 * POST, JSON `{name, size, type, lastModified}` (the File's fields): starts an
 * upload, or resumes the unfinished one of the same file. Answers
 * `{upload, chunkBytes, resumed}`: PUT chunks of chunkBytes to
 * /api/studio/uploads/<id>?offset=<upload.receivedBytes>. A refused file is a
 * 400 whose errors are keyed by field.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ ok: false, errors: { method: "Use POST to start an upload" } }, { status: 405 });
  const { shop, actor } = await requireShopAdmin(request);
  let input: unknown;
  try {
    input = await request.json();
  } catch {
    return Response.json({ ok: false, errors: { body: "send JSON: {name, size, type, lastModified} of the file" } }, { status: 400 });
  }
  const result = await startStudioUpload(prisma, shop, input, actor);
  return Response.json(result, { status: result.ok ? 200 : 400 });
};
