import { createReadStream } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { handleEmulatorAdmin } from "./admin-endpoints";
import { loadAdminSchema } from "./admin-schema";
import { removeBulkFile } from "./bulk";
import { Cdn } from "./cdn";
import { fieldResolver } from "./field-resolver";
import { FlowTriggerInbox, loadFlowTriggerDefinitions, type FlowTriggerDefinition } from "./flow-triggers";
import { apiContext, handleAdminGraphql } from "./graphql-endpoint";
import { HttpError, sendJson } from "./http-util";
import { handleAccessToken } from "./oauth";
import { fieldErrors } from "./product-spec";
import { handleStagedUpload } from "./staged-uploads";
import { EmulatorStore } from "./store";
import type { WebhookDispatcher } from "./webhooks";

/**
 * The Shotlane store emulator: Shopify's Admin GraphQL API (the pinned
 * version, on Shopify's own schema) for seeded demo shops, plus the storage,
 * CDN and webhook sides Shotlane touches. The app reaches it by rewriting
 * `https://{shop}/…` to `{url}/store/{shop}/…`.
 */

const optionsSchema = z.object({
  host: z.enum(["127.0.0.1", "localhost", "::1"], { error: "the emulator listens on loopback only" }).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(0),
  shops: z.array(z.object({ domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "shop domains look like name.myshopify.com"), accessToken: z.string().min(1) })).min(1),
  apiKey: z.string().min(1),
  apiSecret: z.string().min(1),
  appUrl: z.url().optional(),
  webhooks: z.array(z.object({ topics: z.array(z.string()), uri: z.string().startsWith("/") })).default([]),
  seed: z.number().int().default(2026),
  productCount: z.number().int().min(0).max(200_000).default(500),
  bucket: z.object({ maximumAvailable: z.number().positive().default(1000), restoreRate: z.number().positive().default(100) }).default({ maximumAvailable: 1000, restoreRate: 100 }),
  mediaProcessingMs: z.number().int().min(0).default(300),
  /** Pause before a webhook retry, times the attempt number. */
  webhookRetryDelayMs: z.number().int().min(0).default(200),
  logger: z.custom<(line: string) => void>((v) => typeof v === "function", "logger must be a function").optional(),
  /** The Flow triggers flowTriggerReceive accepts; by default the app's flow_trigger extensions (extensions/). */
  flowTriggers: z.custom<FlowTriggerDefinition[]>((v) => Array.isArray(v), "flowTriggers must be a list of trigger definitions").optional(),
});

export type EmulatorOptions = z.input<typeof optionsSchema>;

/** The admin operations (also under /emulator/), for in-process tests. */
export type EmulatorAdmin = Pick<
  EmulatorStore,
  "createProduct" | "updateProduct" | "deleteProduct" | "setBucket" | "webhookDeliveries" | "redeliver" | "issueRefreshToken" | "failNextBulkOperation" | "failNextMedia"
>;

export interface Emulator {
  url: string;
  port: number;
  store: EmulatorStore;
  /** The store's admin operations (the same object as `store`, typed narrowly). */
  admin: EmulatorAdmin;
  webhooks: WebhookDispatcher;
  /** Flow triggers received (flowTriggerReceive), per shop. */
  flowTriggers: FlowTriggerInbox;
  close(): Promise<void>;
}

export async function startEmulator(input: EmulatorOptions): Promise<Emulator> {
  const options = optionsSchema.parse(input);
  const log = options.logger;
  const schema = loadAdminSchema();
  const store = new EmulatorStore({ appUrl: options.appUrl, apiSecret: options.apiSecret, subscriptions: options.webhooks, log, retryDelayMs: options.webhookRetryDelayMs });
  for (const shop of options.shops) store.addShop({ ...shop, seed: options.seed, productCount: options.productCount, bucket: options.bucket });
  const cdn = new Cdn(store);
  const flowTriggers = new FlowTriggerInbox(options.flowTriggers ?? loadFlowTriggerDefinitions());
  const graphqlDeps = {
    store,
    schema,
    mediaProcessingMs: options.mediaProcessingMs,
    bulk: { store, schema, fieldResolver, context: (shop: Parameters<typeof apiContext>[1]) => apiContext(store, shop), log },
    flowTriggers,
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, parts: string[]): Promise<void> => {
    const method = req.method ?? "GET";
    if (parts[0] === "store" && parts[2] === "admin" && parts[3] === "api" && parts[5] === "graphql.json" && method === "POST") return handleAdminGraphql(graphqlDeps, req, res, parts[1], parts[4]);
    if (parts[0] === "store" && parts[2] === "admin" && parts[3] === "oauth" && parts[4] === "access_token" && method === "POST") return handleAccessToken(store, options, req, res, parts[1]);
    if (parts[0] === "staged-uploads" && parts[1] && (method === "POST" || method === "PUT")) return handleStagedUpload(store, req, res, parts[1]);
    if (parts[0] === "cdn" && method === "GET") return cdn.handle(res, parts.slice(1));
    if (parts[0] === "bulk" && method === "GET") return bulkFile(res, parts[1] ?? "");
    // GET /emulator/shops/{shop}/flow-triggers: what Flow received (tests, the demo).
    if (parts[0] === "emulator" && parts[1] === "shops" && parts[3] === "flow-triggers" && parts.length === 4 && method === "GET") {
      return sendJson(res, 200, { triggers: flowTriggers.received(store.requireShop(parts[2]).domain) });
    }
    if (parts[0] === "emulator") return handleEmulatorAdmin(store, req, res, parts.slice(1));
    throw new HttpError(404, `The Shotlane store emulator has no route ${method} /${parts.join("/")}`);
  };

  function bulkFile(res: http.ServerResponse, name: string) {
    const op = store.bulkOperations.get(Number(name.replace(/\.jsonl$/, "")));
    if (!op?.file || op.status !== "COMPLETED") throw new HttpError(404, "No such bulk operation result");
    res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": op.fileSize ?? undefined });
    createReadStream(op.file).pipe(res);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    let parts: string[];
    try {
      parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return sendJson(res, 400, { errors: [{ message: "Malformed path" }] });
    }
    route(req, res, parts).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof HttpError) return sendJson(res, error.status, { errors: error.fields ?? [{ message: error.message }] });
      if (error instanceof z.ZodError) return sendJson(res, 422, { errors: fieldErrors(error) });
      log?.(`emulator error on ${req.method} ${url.pathname}: ${(error as Error).stack}`);
      sendJson(res, 500, { errors: [{ message: "Internal error in the store emulator" }] });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  store.baseUrl = `http://${options.host === "::1" ? "[::1]" : options.host}:${port}`;

  return {
    url: store.baseUrl,
    port,
    store,
    admin: store,
    webhooks: store.webhooks,
    flowTriggers,
    close: async () => {
      await store.webhooks.close();
      for (const op of store.bulkOperations.values()) removeBulkFile(op);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
