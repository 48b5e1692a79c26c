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


/**
 * Stages an upload, POSTs the bytes with every returned parameter (file
 * last) and attaches the resourceUrl to the product, as Shotlane does.
 * Answers the new media's GID (the product's last media).
 */
export async function uploadMedia(emulator: Emulator, productId: string, file: { resource: "IMAGE" | "VIDEO"; filename: string; mimeType: string; bytes: Buffer; alt?: string }): Promise<string> {
  const gql = graphqlClient(emulator);
  const staged = await gql(
    `mutation StageForTest($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }`,
    { input: [{ resource: file.resource, filename: file.filename, mimeType: file.mimeType, httpMethod: "POST", fileSize: String(file.bytes.length) }] },
  );
  const target = staged.body.data.stagedUploadsCreate.stagedTargets[0] as { url: string; resourceUrl: string; parameters: { name: string; value: string }[] };
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append("file", new Blob([new Uint8Array(file.bytes)]), file.filename);
  const uploaded = await fetch(target.url, { method: "POST", body: form });
  if (uploaded.status !== 201) throw new Error(`staged upload answered ${uploaded.status}: ${await uploaded.text()}`);
  const attached = await gql(
    `mutation AttachForTest($product: ProductUpdateInput!, $media: [CreateMediaInput!]) { productUpdate(product: $product, media: $media) { product { media(last: 1) { nodes { id } } } userErrors { field message } } }`,
    { product: { id: productId }, media: [{ originalSource: target.resourceUrl, mediaContentType: file.resource, alt: file.alt ?? null }] },
  );
  const payload = attached.body.data.productUpdate;
  if (payload.userErrors.length > 0) throw new Error(`productUpdate refused the media: ${JSON.stringify(payload.userErrors)}`);
  return payload.product.media.nodes[0].id as string;
}

/** Waits until a media node is READY or FAILED; answers its status and errors. */
export function settledMedia(emulator: Emulator, mediaId: string) {
  const gql = graphqlClient(emulator);
  return eventually(async () => {
    const { body } = await gql(`query MediaStatusForTest($id: ID!) { node(id: $id) { ... on Media { status mediaErrors { code message } } } }`, { id: mediaId });
    const node = body.data.node as { status: string; mediaErrors: { code: string; message: string }[] } | null;
    return node && (node.status === "READY" || node.status === "FAILED") ? node : undefined;
  }, `media ${mediaId} to settle`);
}
