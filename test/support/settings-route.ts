import { getJwt } from "@shopify/shopify-api/test-helpers";
import { action as settingsAction, loader as settingsLoader } from "../../app/routes/app.settings";
import type { SettingsActionResult } from "../../app/settings/settings-page.server";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "./test-env";

const args = (request: Request) => ({ request, params: {}, context: {} });

/** The Settings route's action and loader, called as staff member `sub` of a shop would (a signed session token). */
export function settingsRoute(defaultShop: string, sub: string) {
  const bearer = async (shop: string) => `Bearer ${(await getJwt(shop.replace(".myshopify.com", ""), TEST_API_KEY, TEST_API_SECRET, { sub })).token}`;
  return {
    bearer,
    async post(fields: Record<string, string>, shop = defaultShop): Promise<SettingsActionResult> {
      const body = new FormData();
      for (const [name, value] of Object.entries(fields)) body.set(name, value);
      return settingsAction(args(new Request(`${TEST_APP_URL}/app/settings`, { method: "POST", body, headers: { Authorization: await bearer(shop) } })));
    },
    async load(shop = defaultShop) {
      return settingsLoader(args(new Request(`${TEST_APP_URL}/app/settings`, { headers: { Authorization: await bearer(shop) } })));
    },
  };
}
