import http from "node:http";
import type { AddressInfo } from "node:net";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { startEmulator, type Emulator, type EmulatorOptions } from "./server";

/** Helpers for the emulator's own tests: a started emulator, a GraphQL client, a stand-in app. */

export const SHOP = "emu-test.myshopify.com";
export const TOKEN = "shpat_emulator_test";
export const SECRET = "emulator-test-secret";

export function startTestEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ shops: [{ domain: SHOP, accessToken: TOKEN }], apiKey: "emulator-test-key", apiSecret: SECRET, productCount: 500, mediaProcessingMs: 5, webhookRetryDelayMs: 5, ...overrides });
}

// Untyped on purpose: the tests check answers field by field.
export type GraphqlBody = { data?: any; errors?: any; extensions?: any };

export function graphqlClient(emulator: Emulator, shop = SHOP) {
  return async (query: string, variables: Record<string, unknown> = {}, token = TOKEN): Promise<{ status: number; body: GraphqlBody }> => {
    const response = await fetch(`${emulator.url}/store/${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphqlBody };
  };
}

/** Polls until `check` returns a value (not undefined); fails after `tries`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, tries = 200, everyMs = 15): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A stand-in app that records the webhooks it receives and answers with `status()`. */
export async function startWebhookReceiver(status: (req: http.IncomingMessage) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status(req)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
