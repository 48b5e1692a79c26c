import { ApiVersion } from "@shopify/shopify-api";

/**
 * The one Admin API version Shotlane speaks. `shopify.server.ts`, the store
 * emulator and the schema check import it; a test asserts that
 * `shopify.app.toml`'s `[webhooks] api_version` equals it.
 */
export const ADMIN_API_VERSION = ApiVersion.October26;
