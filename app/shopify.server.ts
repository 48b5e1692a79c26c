import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { env } from "./config/env";
import prisma from "./db.server";
import { ADMIN_API_VERSION } from "./shopify/api-version";
import { markShopInstalled } from "./shop-lifecycle/install.server";
import { installEmulatorRedirect } from "./shopify/emulator-redirect.server";

const config = env();

// Demo mode: only the demo shop's network requests are redirected to the local
// store emulator; the whole client stack stays the production one.
if (config.demo && config.SHOTLANE_EMULATOR_URL) {
  installEmulatorRedirect({ shop: config.SHOTLANE_DEMO_SHOP, emulatorUrl: config.SHOTLANE_EMULATOR_URL });
}

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION,
  scopes: config.SCOPES?.split(",").map((scope) => scope.trim()),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  hooks: {
    // A reinstalled shop is live again: its webhooks and jobs stop skipping it.
    afterAuth: async ({ session }) => {
      await markShopInstalled(prisma, session.shop);
    },
  },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = ADMIN_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
