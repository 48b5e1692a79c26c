import { withShopLock } from "../../jobs/shop-lock";
import { sessionStorage, unauthenticated } from "../shopify.server";

/** Refresh when the token expires within this window (the library's own margin). */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * The Admin client of a shop's stored offline session, for background work.
 * Expiring offline tokens rotate their refresh token on every refresh, so two
 * workers refreshing at once would see the second one fail and lose the
 * session. When a refresh is due, it happens under a per-shop lock; the waiter
 * then finds the refreshed session in storage and uses it.
 */
export async function offlineAdmin(shop: string) {
  const session = await sessionStorage.loadSession(`offline_${shop}`);
  if (!session?.refreshToken || !session.isExpired(REFRESH_MARGIN_MS)) return unauthenticated.admin(shop);
  return withShopLock("token-refresh", shop, () => unauthenticated.admin(shop));
}
