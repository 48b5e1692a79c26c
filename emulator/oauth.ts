import { randomUUID } from "node:crypto";
import type http from "node:http";
import { z } from "zod";
import { readJson, sendJson } from "./http-util";
import type { EmulatorStore } from "./store";

const grantSchema = z.object({ client_id: z.string(), client_secret: z.string(), grant_type: z.string(), refresh_token: z.string().optional() });

/**
 * POST /store/{shop}/admin/oauth/access_token, the refresh-token grant of
 * expiring offline tokens: a valid refresh token buys a new access token and
 * a new refresh token; the old refresh token stops working at once
 * (rotation), so two concurrent refreshes cannot both win.
 */
export async function handleAccessToken(
  store: EmulatorStore,
  app: { apiKey: string; apiSecret: string },
  req: http.IncomingMessage,
  res: http.ServerResponse,
  domain: string,
): Promise<void> {
  const shop = store.requireShop(domain);
  const body = grantSchema.safeParse(await readJson(req, 100_000));
  if (!body.success || body.data.client_id !== app.apiKey || body.data.client_secret !== app.apiSecret) return sendJson(res, 401, { error: "invalid_client" });
  if (body.data.grant_type !== "refresh_token") return sendJson(res, 400, { error: "unsupported_grant_type", error_description: "the emulator implements the refresh_token grant only" });
  if (!shop.refreshToken || body.data.refresh_token !== shop.refreshToken) return sendJson(res, 400, { error: "invalid_grant", error_description: "refresh token is invalid, expired or already used" });
  const token = `shpat_${randomUUID().replace(/-/g, "")}`;
  shop.issuedTokens.add(token);
  shop.refreshToken = `shprt_${randomUUID()}`;
  shop.refreshGrants++;
  sendJson(res, 200, { access_token: token, scope: "read_products", expires_in: 3600, refresh_token: shop.refreshToken, refresh_token_expires_in: 7_776_000 });
}
