import { readFile } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { env } from "../config/env";
import { productGidOf } from "./product-panel";
import { PREVIEW_SHIMS_JS } from "./preview-shims";
import { signIdToken } from "./preview-token.server";

/**
 * Demo only (`npm run demo` has no Shopify admin): a page that hosts an
 * extension's built bundle with a stand-in for the admin, so the block and
 * the action can be tried against the real endpoints. The stand-in provides
 * the `shopify` global (data.selected = the product, navigation, close,
 * toast, auth.idToken), minimal custom elements for the s-* tags the
 * extensions use, and a fetch that attaches an ID token signed with the demo
 * app's secret, as the admin's does: the endpoints' authenticate.admin runs
 * unchanged. Every answer is 404 outside demo mode.
 */

export const PREVIEW_EXTENSIONS = {
  "product-panel-block": { target: "admin.product-details.block.render", bundle: "extensions/product-panel-block/dist/BlockExtension.js" },
  "product-panel-action": { target: "admin.product-details.action.render", bundle: "extensions/product-panel-action/dist/ActionExtension.js" },
} as const;

type Handle = keyof typeof PREVIEW_EXTENSIONS;

const isHandle = (value: string | undefined): value is Handle => value !== undefined && Object.hasOwn(PREVIEW_EXTENSIONS, value);

function notFound(message = "Not found"): Response {
  return new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside an inline script: no "</script>" can close it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/** The preview page of one extension for one product (`?product=<GID or number>`; default: the demo shop's first routed product). */
export async function previewPage(db: PrismaClient, handle: string | undefined, searchParams: URLSearchParams): Promise<Response> {
  const config = env();
  if (!config.demo) return notFound();
  if (!isHandle(handle)) return notFound(`No extension "${handle}" to preview: use ${Object.keys(PREVIEW_EXTENSIONS).join(" or ")}`);
  const shop = config.SHOTLANE_DEMO_SHOP;
  let productId: string;
  const asked = searchParams.get("product");
  if (asked) {
    const parsed = productGidOf(asked);
    if (!parsed.ok) return new Response(parsed.error, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    productId = parsed.value;
  } else {
    const first = await db.product.findFirst({ where: { shopId: shop }, orderBy: [{ tier: { sort: "asc", nulls: "last" } }, { title: "asc" }], select: { id: true } });
    if (!first) return notFound("The demo shop has no products yet: press Sync catalog on Shotlane's Catalog page (/app/catalog), then reload");
    productId = first.id;
  }
  const { target } = PREVIEW_EXTENSIONS[handle];
  const stage = { handle, target, productId, shop, bundleUrl: `/extension-preview/bundle/${handle}`, tokenUrl: "/extension-preview/id-token", handles: Object.keys(PREVIEW_EXTENSIONS) };
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo preview: ${escapeHtml(handle)}</title>
<link rel="icon" href="data:,">
<style>${PREVIEW_CSS}</style>
</head>
<body data-preview-note="Demo preview of ${escapeHtml(target)} for ${escapeHtml(productId)}, with a stand-in for the Shopify admin (the extension renders into this page's body)">
<script>window.__SHOTLANE_PREVIEW__ = ${scriptJson(stage)};</script>
<script>${PREVIEW_SHIMS_JS}</script>
</body>
</html>`;
  return new Response(html, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      // Same-origin only: the page loads its bundle and calls the app's own endpoints.
      "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    },
  });
}

/** The extension's built bundle (`npm run build:extensions`). */
export async function previewBundle(handle: string | undefined): Promise<Response> {
  if (!env().demo) return notFound();
  if (!isHandle(handle)) return notFound();
  try {
    const code = await readFile(path.resolve(PREVIEW_EXTENSIONS[handle].bundle), "utf8");
    return new Response(code, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
  } catch {
    return notFound(`${PREVIEW_EXTENSIONS[handle].bundle} is not built: run \`npm run build:extensions\`, then reload`);
  }
}

/** A fresh ID token for the demo shop, as the admin fetches one before each extension request. */
export function previewIdToken(): Response {
  const config = env();
  if (!config.demo) return notFound();
  const idToken = signIdToken({ shop: config.SHOTLANE_DEMO_SHOP, apiKey: config.SHOPIFY_API_KEY, secret: config.SHOPIFY_API_SECRET, sub: "demo-preview" });
  return Response.json({ idToken }, { headers: { "Cache-Control": "no-store" } });
}

const PREVIEW_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; max-width: 720px; color: #303030; }
.preview-note, body::before { color: #616161; font-size: 12px; }
body::before { content: attr(data-preview-note); display: block; margin-bottom: 12px; }
s-admin-block, s-admin-action { display: flex; flex-direction: column; gap: 12px; border: 1px solid #e3e3e3; border-radius: 12px; padding: 16px; background: #fff; box-shadow: 0 1px 0 rgba(0,0,0,.07); }
s-admin-block::before, s-admin-action::before { content: attr(heading); font-weight: 650; font-size: 15px; }
s-admin-action[loading]::after { content: "Loading…"; color: #616161; }
s-admin-action > [slot] { align-self: flex-start; }
s-admin-action > [slot="primary-action"] { order: 10; }
s-admin-action > [slot="secondary-actions"] { order: 11; }
s-stack { display: flex; flex-direction: column; gap: 8px; }
s-stack[direction="inline"] { flex-direction: row; flex-wrap: wrap; align-items: center; }
s-heading { display: block; font-weight: 650; }
s-text, s-paragraph { display: block; }
s-text[color="subdued"] { color: #616161; }
s-badge { display: inline-block; border-radius: 8px; padding: 2px 8px; background: #ebebeb; font-size: 12px; }
s-badge[tone="success"] { background: #cdfee1; } s-badge[tone="warning"] { background: #ffef9d; } s-badge[tone="info"] { background: #e0f0ff; }
s-banner { display: block; border-radius: 8px; padding: 8px 12px; background: #e0f0ff; }
s-banner[tone="success"] { background: #cdfee1; } s-banner[tone="warning"] { background: #fff1e3; } s-banner[tone="critical"] { background: #fee9e8; }
`;
