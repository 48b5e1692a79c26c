import type { Session } from "@shopify/shopify-api";
import { env } from "../config/env";
import { authenticate, unauthenticated } from "../shopify.server";
import type { AdminGraphqlClient } from "./admin-graphql.server";

export interface ShopAdminContext {
  shop: string;
  session: Session;
  admin: AdminGraphqlClient;
  /** Who acts, for the audit trail: `user:<id>` from the session token, or the demo user. */
  actor: string;
  demo: boolean;
}

/**
 * Authenticates an embedded-app request. In real mode this is
 * `authenticate.admin` (session token, token exchange, bounce page). In demo
 * mode (never in production; loopback only) the page is opened at localhost
 * without the Shopify admin, so the demo shop's stored offline session stands
 * in for the session token; its Admin client is the same production client.
 */
export async function requireShopAdmin(request: Request): Promise<ShopAdminContext> {
  const config = env();
  if (config.demo) {
    const { admin, session } = await unauthenticated.admin(config.SHOTLANE_DEMO_SHOP);
    return { shop: session.shop, session, admin, actor: "user:demo", demo: true };
  }
  const { admin, session, sessionToken } = await authenticate.admin(request);
  return { shop: session.shop, session, admin, actor: staffActorOf(session, sessionToken), demo: false };
}

/** Who acts, for the audit trail: the staff member the session token (or an online session) names. */
export function staffActorOf(session: Session, sessionToken?: { sub?: string }): string {
  const userId = sessionToken?.sub ?? session.onlineAccessInfo?.associated_user?.id;
  return userId ? `user:${userId}` : "user:unknown";
}
