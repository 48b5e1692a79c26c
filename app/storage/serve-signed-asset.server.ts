import { assetStore } from "./asset-store.server";
import { AssetNotFoundError, InvalidAssetKeyError, parseAssetKey } from "./asset-store";
import { contentTypeForKey, verifyAssetSignature } from "./signed-url.server";

function refusal(status: 403 | 404, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** The /files/<key> answer: 403 for a bad or expired signature, 404 for no such asset, else the bytes. */
export async function serveSignedAsset(key: string, search: URLSearchParams): Promise<Response> {
  try {
    parseAssetKey(key);
  } catch (error) {
    if (error instanceof InvalidAssetKeyError) return refusal(404, "No such file");
    throw error;
  }
  const check = verifyAssetSignature(key, search.get("expires"), search.get("sig"));
  if (!check.ok) return refusal(403, check.reason === "expired" ? "This link has expired" : "This link is not valid");
  let bytes: Buffer;
  try {
    bytes = await assetStore().get(key);
  } catch (error) {
    if (error instanceof AssetNotFoundError) return refusal(404, "No such file");
    throw error;
  }
  // Content-addressed bytes never change, so caching up to the link's expiry is safe.
  const maxAge = Math.max(0, Math.min(check.expiresAt - Math.floor(Date.now() / 1000), 86_400));
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: {
      "Content-Type": contentTypeForKey(key),
      "Content-Length": String(bytes.length),
      "Cache-Control": `private, max-age=${maxAge}, immutable`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}

/**
 * The bytes behind one of Shotlane's own signed file URLs, read from the asset
 * store instead of over HTTP; null for any other URL. For code that runs inside
 * Shotlane (the demo provider): the signature and expiry are checked exactly as
 * the /files route checks them.
 */
export async function readOwnSignedAsset(url: string, appUrl: string): Promise<Buffer | null> {
  const parsed = new URL(url);
  const base = new URL(appUrl);
  if (parsed.origin !== base.origin || !parsed.pathname.startsWith("/files/")) return null;
  const key = decodeURIComponent(parsed.pathname.slice("/files/".length));
  const check = verifyAssetSignature(key, parsed.searchParams.get("expires"), parsed.searchParams.get("sig"));
  if (!check.ok) throw new Error(`Shotlane file link refused: ${check.reason}`);
  return assetStore().get(key);
}
