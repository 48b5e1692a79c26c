import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

/**
 * Rewrites `https://{shop}/…` to `{emulatorUrl}/store/{shop}/…` for one shop.
 * Pure, so the rule is unit-tested; every other URL is returned unchanged.
 */
export function emulatorUrlFor(url: string, shop: string, emulatorUrl: string): string {
  const parsed = new URL(url);
  if (parsed.hostname !== shop) return url;
  const base = emulatorUrl.replace(/\/$/, "");
  return `${base}/store/${shop}${parsed.pathname}${parsed.search}`;
}

let installed = false;

/**
 * Points the demo shop's Admin API traffic at the local store emulator by
 * wrapping the fetch that @shopify/shopify-api uses. Nothing else changes:
 * sessions, clients, retries and throttling logic are the production ones.
 */
export function installEmulatorRedirect({ shop, emulatorUrl }: { shop: string; emulatorUrl: string }): void {
  if (installed) return;
  installed = true;
  const realFetch = abstractFetch;
  setAbstractFetchFunc((input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    return realFetch(emulatorUrlFor(url, shop, emulatorUrl), init);
  });
}
