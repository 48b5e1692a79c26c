import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type FragmentDefinitionNode, type GraphQLFieldResolver, type OperationDefinitionNode } from "graphql";
import { z } from "zod";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { loadAdminSchema } from "./admin-schema";
import { mutationRoot, notImplemented, queryRoot } from "./api";
import { actualQueryCost, refill, requestedQueryCost } from "./cost";
import { productObject, type ApiContext } from "./objects";
import { removeBulkFile, runBulkQuery, validateBulkQuery, type BulkOperationRecord } from "./bulk";
import { renderFlatLay } from "./render-flat-lay";
import { EmulatorStore, parseGid, type ProductRecord, type ProductSpec, type ShopState } from "./store";
import { productWebhookPayload, WebhookDispatcher } from "./webhooks";

const optionsSchema = z.object({
  host: z.enum(["127.0.0.1", "localhost", "::1"], { error: "the emulator listens on loopback only" }).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(0),
  shops: z.array(z.object({ domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/), accessToken: z.string().min(1) })).min(1),
  apiKey: z.string().min(1),
  apiSecret: z.string().min(1),
  appUrl: z.url().optional(),
  webhooks: z.array(z.object({ topics: z.array(z.string()), uri: z.string().startsWith("/") })).default([]),
  seed: z.number().int().default(2026),
  productCount: z.number().int().min(0).max(200_000).default(500),
  bucket: z.object({ maximumAvailable: z.number().positive().default(1000), restoreRate: z.number().positive().default(100) }).default({ maximumAvailable: 1000, restoreRate: 100 }),
  mediaProcessingMs: z.number().int().min(0).default(300),
  log: z.custom<(line: string) => void>((v) => typeof v === "function").optional(),
});

export type EmulatorOptions = z.input<typeof optionsSchema>;

export interface Emulator {
  url: string;
  port: number;
  store: EmulatorStore;
  webhooks: WebhookDispatcher;
  /** Creates, updates or deletes a product as the Shopify admin would, firing the webhook. */
  admin: {
    createProduct(shop: string, spec: ProductSpec): ProductRecord;
    updateProduct(shop: string, id: number, changes: Partial<Pick<ProductRecord, "title" | "tags" | "productType" | "vendor" | "status">>): ProductRecord;
    deleteProduct(shop: string, id: number): void;
    setBucket(shop: string, currentlyAvailable: number): void;
    /** Gives the shop an expiring offline token pair, as token exchange with `expiring: true` would. */
    issueRefreshToken(shop: string): string;
    /** Makes the shop's next bulk operation fail with INTERNAL_SERVER_ERROR (to test failure reporting). */
    failNextBulkOperation(shop: string): void;
  };
  close(): Promise<void>;
}

const productSpecSchema = z.object({
  title: z.string().min(1, "title is required"),
  handle: z.string().optional(),
  productType: z.string().optional(),
  vendor: z.string().optional(),
  status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]).optional(),
  tags: z.array(z.string()).optional(),
  collections: z.array(z.string()).optional(),
  colors: z.array(z.string()).min(1).optional(),
  sizes: z.array(z.string()).min(1).optional(),
  price: z.string().regex(/^\d+(\.\d{1,2})?$/, "price must be a decimal such as 49.00").optional(),
  skuPrefix: z.string().optional(),
  withFlatLay: z.boolean().optional(),
});
const productChangesSchema = z.object({
  title: z.string().min(1).optional(),
  tags: z.array(z.string()).optional(),
  productType: z.string().optional(),
  vendor: z.string().optional(),
  status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]).optional(),
});

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Resolves from plain objects; anything the emulator does not model says so instead of returning null. */
const fieldResolver: GraphQLFieldResolver<unknown, ApiContext> = (source, args, context, info) => {
  if (source && typeof source === "object" && Object.prototype.hasOwnProperty.call(source, info.fieldName)) {
    const value = (source as Record<string, unknown>)[info.fieldName];
    return typeof value === "function" ? (value as (a: unknown, c: ApiContext) => unknown)(args, context) : value;
  }
  throw notImplemented(info.parentType.name, info.fieldName);
};

/** Starts the local store emulator: Shopify's Admin GraphQL API (2026-10) for seeded demo shops. */
export async function startEmulator(input: EmulatorOptions): Promise<Emulator> {
  const options = optionsSchema.parse(input);
  const schema = loadAdminSchema();
  const store = new EmulatorStore();
  for (const shop of options.shops) store.addShop({ ...shop, seed: options.seed, productCount: options.productCount, bucket: options.bucket });
  const webhooks = new WebhookDispatcher(store, { appUrl: options.appUrl, apiSecret: options.apiSecret, subscriptions: options.webhooks, log: options.log });
  const imageCache = new Map<string, Buffer>();
  const bulkOperations = new Map<number, BulkOperationRecord>();
  const failBulkFor = new Set<string>();
  let nextBulkId = 7_000_000;
  let baseUrl = "";

  const requireShop = (domain: string): ShopState => {
    const shop = store.shop(domain);
    if (!shop) throw new HttpError(404, `Unknown shop ${domain}: the emulator serves ${[...store.shops.keys()].join(", ")}`);
    return shop;
  };
  const imageUrlFor = (shop: ShopState) => (mediaId: number) => {
    const media = store.media.get(mediaId);
    return media?.seedProductId != null && !media.bytes ? `${baseUrl}/cdn/${shop.domain}/products/${media.seedProductId}/flat-lay.png` : `${baseUrl}/cdn/${shop.domain}/files/${mediaId}/${media?.filename ?? "file"}`;
  };
  const emitProduct = (shop: ShopState, topic: string, product: ProductRecord) => webhooks.emit(shop, topic, productWebhookPayload(product, imageUrlFor(shop)));
  const context = (shop: ShopState): ApiContext => ({ store, shop, baseUrl, productChanged: (product) => emitProduct(shop, "products/update", product) });

  const admin: Emulator["admin"] = {
    createProduct(domain, spec) {
      const shop = requireShop(domain);
      const product = store.createProduct(shop, productSpecSchema.parse(spec));
      emitProduct(shop, "products/create", product);
      return product;
    },
    updateProduct(domain, id, changes) {
      const shop = requireShop(domain);
      const product = shop.products.get(id);
      if (!product) throw new HttpError(404, `Product ${id} does not exist in ${domain}`);
      Object.assign(product, productChangesSchema.parse(changes));
      store.touch(product);
      emitProduct(shop, "products/update", product);
      return product;
    },
    deleteProduct(domain, id) {
      const shop = requireShop(domain);
      if (!shop.products.delete(id)) throw new HttpError(404, `Product ${id} does not exist in ${domain}`);
      webhooks.emit(shop, "products/delete", { id });
    },
    issueRefreshToken(domain) {
      const shop = requireShop(domain);
      shop.refreshToken = `shprt_${randomUUID()}`;
      return shop.refreshToken;
    },
    failNextBulkOperation(domain) {
      requireShop(domain);
      failBulkFor.add(domain);
    },
    setBucket(domain, currentlyAvailable) {
      const shop = requireShop(domain);
      shop.bucket = { ...refill(shop.bucket, Date.now()), currentlyAvailable: Math.max(0, Math.min(currentlyAvailable, shop.bucket.maximumAvailable)), updatedAt: Date.now() };
    },
  };

  const bulkObject = (op: BulkOperationRecord) => ({
    __typename: "BulkOperation",
    id: `gid://shopify/BulkOperation/${op.id}`,
    status: op.status,
    errorCode: op.errorCode,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    url: op.status === "COMPLETED" && op.file ? `${baseUrl}/bulk/${op.id}.jsonl` : null,
    partialDataUrl: null,
    query: op.query,
    type: "QUERY",
  });
  const bulkById = (shop: ShopState, id: unknown) => {
    const numeric = parseGid(id, "BulkOperation");
    const op = numeric === null ? undefined : bulkOperations.get(numeric);
    return op && op.shop === shop.domain ? op : undefined;
  };

  /** Runs a bulk query in the background and signals bulk_operations/finish, as Shopify does. */
  function startBulk(shop: ShopState, op: BulkOperationRecord) {
    setTimeout(async () => {
      if (op.status === "CANCELING") {
        op.status = "CANCELED";
        return;
      }
      op.status = "RUNNING";
      try {
        if (failBulkFor.delete(shop.domain)) throw new Error("injected failure");
        await runBulkQuery({ schema, ctx: context(shop), operation: op, fieldResolver, isCanceled: () => op.status === "CANCELING" });
        op.status = (op.status as BulkOperationRecord["status"]) === "CANCELING" ? "CANCELED" : "COMPLETED";
      } catch (error) {
        op.status = "FAILED";
        op.errorCode = "INTERNAL_SERVER_ERROR";
        options.log?.(`bulk operation ${op.id} failed: ${(error as Error).message}`);
      }
      op.completedAt = new Date().toISOString();
      webhooks.emit(shop, "bulk_operations/finish", {
        admin_graphql_api_id: `gid://shopify/BulkOperation/${op.id}`,
        completed_at: op.completedAt,
        created_at: op.createdAt,
        error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
        status: op.status.toLowerCase(),
        type: "query",
      });
    }, 10).unref();
  }

  const bulkQueryRoot = (shop: ShopState) => ({
    node: ({ id }: { id: string }) => {
      const op = bulkById(shop, id);
      return op ? bulkObject(op) : queryRoot(context(shop)).node({ id });
    },
    bulkOperation: ({ id }: { id: string }) => {
      const op = bulkById(shop, id);
      return op ? bulkObject(op) : null;
    },
  });
  const bulkMutationRoot = (shop: ShopState) => ({
    bulkOperationRunQuery: ({ query }: { query: string; groupObjects: boolean }) => {
      const userError = (message: string, code: string) => ({ __typename: "BulkOperationRunQueryPayload", bulkOperation: null, userErrors: [{ __typename: "BulkOperationUserError", field: ["query"], message, code }] });
      const invalid = validateBulkQuery(schema, query);
      if (invalid) return userError(`Invalid bulk query: ${invalid}`, "INVALID");
      const running = [...bulkOperations.values()].filter((op) => op.shop === shop.domain && ["CREATED", "RUNNING", "CANCELING"].includes(op.status));
      if (running.length >= 5) return userError("A shop can run at most 5 bulk query operations at once.", "LIMIT_REACHED");
      const op: BulkOperationRecord = { id: nextBulkId++, shop: shop.domain, query, status: "CREATED", errorCode: null, createdAt: new Date().toISOString(), completedAt: null, objectCount: 0, rootObjectCount: 0, file: null, fileSize: null };
      bulkOperations.set(op.id, op);
      startBulk(shop, op);
      return { __typename: "BulkOperationRunQueryPayload", bulkOperation: bulkObject(op), userErrors: [] };
    },
    bulkOperationCancel: ({ id }: { id: string }) => {
      const op = bulkById(shop, id);
      if (!op) return { __typename: "BulkOperationCancelPayload", bulkOperation: null, userErrors: [{ __typename: "UserError", field: ["id"], message: "Bulk operation does not exist" }] };
      if (op.status === "CREATED" || op.status === "RUNNING") op.status = "CANCELING";
      return { __typename: "BulkOperationCancelPayload", bulkOperation: bulkObject(op), userErrors: [] };
    },
  });

  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, domain: string, version: string) {
    const shop = requireShop(domain);
    if (version !== ADMIN_API_VERSION) throw new HttpError(404, `The emulator serves Admin API version ${ADMIN_API_VERSION} only, not ${version}`);
    const token = String(req.headers["x-shopify-access-token"] ?? "");
    if (token !== shop.accessToken && !shop.issuedTokens.has(token)) {
      return sendJson(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const body = z
      .object({ query: z.string().min(1), variables: z.record(z.string(), z.unknown()).nullable().optional(), operationName: z.string().nullable().optional() })
      .safeParse(JSON.parse((await readBody(req, 1_000_000)).toString("utf8") || "{}"));
    if (!body.success) return sendJson(res, 400, { errors: [{ message: "Body must be JSON with a query string" }] });
    const variables = body.data.variables ?? {};
    const throttle = () => {
      shop.bucket = refill(shop.bucket, Date.now());
      return { maximumAvailable: shop.bucket.maximumAvailable, currentlyAvailable: Math.floor(shop.bucket.currentlyAvailable), restoreRate: shop.bucket.restoreRate };
    };
    let document: DocumentNode;
    try {
      document = parse(body.data.query);
    } catch (error) {
      return sendJson(res, 200, { errors: [{ message: (error as GraphQLError).message, locations: (error as GraphQLError).locations, extensions: { code: "GRAPHQL_PARSE_FAILED" } }] });
    }
    const validationErrors = validate(schema, document);
    if (validationErrors.length > 0) {
      return sendJson(res, 200, { errors: validationErrors.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) });
    }
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = body.data.operationName ? operations.find((o) => o.name?.value === body.data.operationName) : operations[0];
    if (!operation) return sendJson(res, 200, { errors: [{ message: "No operation to run" }] });
    const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    const requested = requestedQueryCost(schema, operation, fragments, variables);
    if (requested > 1000) {
      return sendJson(res, 200, {
        errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (1000).`, extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: 1000 } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttle() } },
      });
    }
    const before = throttle();
    if (requested > before.currentlyAvailable) {
      return sendJson(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: before } },
      });
    }
    shop.bucket.currentlyAvailable -= requested;
    const ctx = context(shop);
    const root = operation.operation === "mutation" ? { ...mutationRoot(ctx, { mediaProcessingMs: options.mediaProcessingMs }), ...bulkMutationRoot(shop) } : { ...queryRoot(ctx), ...bulkQueryRoot(shop) };
    const result = await execute({ schema, document, rootValue: root, contextValue: ctx, variableValues: variables, operationName: operation.name?.value, fieldResolver });
    const actual = actualQueryCost(schema, operation, fragments, result.data, requested);
    shop.bucket.currentlyAvailable = Math.min(shop.bucket.maximumAvailable, shop.bucket.currentlyAvailable + (requested - actual));
    const payload: Record<string, unknown> = {};
    if (result.errors) payload.errors = result.errors.map((e) => ({ message: e.message, locations: e.locations, path: e.path, extensions: e.extensions }));
    payload.data = result.data ?? null;
    payload.extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttle() } };
    sendJson(res, 200, payload);
  }

  async function stagedUpload(req: http.IncomingMessage, res: http.ServerResponse, id: string) {
    const upload = store.stagedUploads.get(id);
    if (!upload) throw new HttpError(404, "No such staged upload target");
    const raw = await readBody(req, 1_100_000_000);
    let form: FormData;
    try {
      form = await new Request("http://emulator.local/upload", { method: "POST", headers: { "content-type": String(req.headers["content-type"] ?? "") }, body: new Uint8Array(raw) }).formData();
    } catch {
      throw new HttpError(400, "The upload must be multipart/form-data");
    }
    const entries = [...form.entries()];
    for (const parameter of upload.parameters) {
      const field = entries.find(([name]) => name === parameter.name);
      if (!field || field[1] !== parameter.value) throw new HttpError(400, `Missing or altered form field ${parameter.name}: send every parameter stagedUploadsCreate returned`);
    }
    const last = entries[entries.length - 1];
    if (!last || last[0] !== "file" || typeof last[1] === "string") throw new HttpError(400, "The file field must be present and come last in the form");
    const bytes = Buffer.from(await (last[1] as Blob).arrayBuffer());
    if (upload.resource === "VIDEO" && bytes.length !== upload.fileSize) {
      throw new HttpError(400, `Your proposed upload does not match the signed policy: fileSize ${upload.fileSize} was signed, ${bytes.length} bytes were sent`);
    }
    upload.bytes = bytes;
    res.writeHead(201, { "Content-Type": "application/xml" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><PostResponse><Key>${upload.parameters.find((p) => p.name === "key")?.value}</Key></PostResponse>`);
  }

  async function cdn(res: http.ServerResponse, parts: string[]) {
    const [domain, kind, id] = parts;
    const shop = requireShop(domain);
    if (kind === "products") {
      const product = shop.products.get(Number(id));
      if (!product?.flatLay) throw new HttpError(404, "No such image");
      const key = `${domain}/${id}`;
      let bytes = imageCache.get(key);
      if (!bytes) {
        bytes = await renderFlatLay(product.flatLay);
        if (imageCache.size >= 300) imageCache.delete(imageCache.keys().next().value!);
        imageCache.set(key, bytes);
      }
      res.writeHead(200, { "Content-Type": "image/png", "Content-Length": bytes.length, "Cache-Control": "public, max-age=86400" });
      return res.end(bytes);
    }
    const media = store.media.get(Number(id));
    if (kind !== "files" || !media?.bytes || media.status !== "READY") throw new HttpError(404, "No such file (or it is still processing)");
    res.writeHead(200, { "Content-Type": media.mimeType, "Content-Length": media.bytes.length, "Cache-Control": "public, max-age=86400" });
    res.end(media.bytes);
  }

  /**
   * The refresh-token grant of expiring offline tokens: a valid refresh token
   * buys a new access token and a new refresh token; the old refresh token
   * stops working at once (rotation), so two concurrent refreshes cannot both win.
   */
  async function accessToken(req: http.IncomingMessage, res: http.ServerResponse, domain: string) {
    const shop = requireShop(domain);
    const body = z
      .object({ client_id: z.string(), client_secret: z.string(), grant_type: z.string(), refresh_token: z.string().optional() })
      .safeParse(JSON.parse((await readBody(req, 100_000)).toString("utf8") || "{}"));
    if (!body.success || body.data.client_id !== options.apiKey || body.data.client_secret !== options.apiSecret) return sendJson(res, 401, { error: "invalid_client" });
    if (body.data.grant_type !== "refresh_token") return sendJson(res, 400, { error: "unsupported_grant_type", error_description: "the emulator implements the refresh_token grant only" });
    if (!shop.refreshToken || body.data.refresh_token !== shop.refreshToken) return sendJson(res, 400, { error: "invalid_grant", error_description: "refresh token is invalid, expired or already used" });
    const token = `shpat_${randomUUID().replace(/-/g, "")}`;
    shop.issuedTokens.add(token);
    shop.refreshToken = `shprt_${randomUUID()}`;
    shop.refreshGrants++;
    sendJson(res, 200, { access_token: token, scope: "read_products", expires_in: 3600, refresh_token: shop.refreshToken, refresh_token_expires_in: 7_776_000 });
  }

  async function bulkFile(res: http.ServerResponse, name: string) {
    const op = bulkOperations.get(Number(name.replace(/\.jsonl$/, "")));
    if (!op?.file || op.status !== "COMPLETED") throw new HttpError(404, "No such bulk operation result");
    res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": op.fileSize ?? undefined });
    createReadStream(op.file).pipe(res);
  }

  async function emulatorAdmin(req: http.IncomingMessage, res: http.ServerResponse, parts: string[]) {
    const method = req.method ?? "GET";
    const json = async () => JSON.parse((await readBody(req, 1_000_000)).toString("utf8") || "{}") as unknown;
    if (parts[0] === "health") return sendJson(res, 200, { ok: true, shops: [...store.shops.keys()], apiVersion: ADMIN_API_VERSION });
    if (parts[0] === "deliveries" && parts[2] === "redeliver" && method === "POST") {
      const delivery = await webhooks.redeliver(parts[1]);
      if (!delivery) throw new HttpError(404, "No such delivery");
      return sendJson(res, 200, delivery);
    }
    if (parts[0] !== "shops" || !parts[1]) throw new HttpError(404, "Unknown emulator endpoint");
    const domain = parts[1];
    const shop = requireShop(domain);
    const rest = parts.slice(2);
    if (rest[0] === "products" && rest.length === 1 && method === "POST") {
      const spec = productSpecSchema.safeParse(await json());
      if (!spec.success) return sendJson(res, 422, { errors: spec.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })) });
      const product = admin.createProduct(domain, spec.data);
      return sendJson(res, 201, { product: productObjectJson(shop, product) });
    }
    if (rest[0] === "products" && rest.length === 2) {
      const id = parseGid(rest[1]) ?? Number(rest[1]);
      if (method === "PATCH") {
        const changes = productChangesSchema.safeParse(await json());
        if (!changes.success) return sendJson(res, 422, { errors: changes.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })) });
        return sendJson(res, 200, { product: productObjectJson(shop, admin.updateProduct(domain, id, changes.data)) });
      }
      if (method === "DELETE") {
        admin.deleteProduct(domain, id);
        return sendJson(res, 200, { deleted: id });
      }
      if (method === "GET") {
        const product = shop.products.get(id);
        if (!product) throw new HttpError(404, "No such product");
        return sendJson(res, 200, { product: productObjectJson(shop, product), flatLay: product.flatLay });
      }
    }
    if (rest[0] === "throttle" && method === "POST") {
      const body = z.object({ currentlyAvailable: z.number().min(0) }).safeParse(await json());
      if (!body.success) return sendJson(res, 422, { errors: [{ field: "currentlyAvailable", message: "must be a number ≥ 0" }] });
      admin.setBucket(domain, body.data.currentlyAvailable);
      return sendJson(res, 200, { bucket: shop.bucket });
    }
    if (rest[0] === "webhook-deliveries" && method === "GET") {
      return sendJson(res, 200, { deliveries: store.deliveries.filter((d) => d.shop === domain) });
    }
    throw new HttpError(404, "Unknown emulator endpoint");
  }

  /** A product as plain JSON (the GraphQL object without resolver functions). */
  function productObjectJson(shop: ShopState, product: ProductRecord) {
    const object = productObject(context(shop), product);
    return { id: object.id, legacyResourceId: object.legacyResourceId, title: object.title, handle: object.handle, productType: object.productType, vendor: object.vendor, status: object.status, tags: object.tags, updatedAt: object.updatedAt };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const handle = async () => {
      if (parts[0] === "store" && parts[2] === "admin" && parts[3] === "api" && parts[5] === "graphql.json" && req.method === "POST") return graphql(req, res, parts[1], parts[4]);
      if (parts[0] === "store" && parts[2] === "admin" && parts[3] === "oauth" && parts[4] === "access_token" && req.method === "POST") return accessToken(req, res, parts[1]);
      if (parts[0] === "staged-uploads" && parts[1] && req.method === "POST") return stagedUpload(req, res, parts[1]);
      if (parts[0] === "cdn" && req.method === "GET") return cdn(res, parts.slice(1));
      if (parts[0] === "bulk" && req.method === "GET") return bulkFile(res, parts[1] ?? "");
      if (parts[0] === "emulator") return emulatorAdmin(req, res, parts.slice(1));
      throw new HttpError(404, `The Shotlane store emulator has no route ${req.method} ${url.pathname}`);
    };
    handle().catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof z.ZodError ? 422 : error instanceof SyntaxError ? 400 : 500;
      if (status === 500) options.log?.(`emulator error: ${(error as Error).stack}`);
      if (!res.headersSent) sendJson(res, status, { errors: [{ message: (error as Error).message }] });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${options.host === "::1" ? "[::1]" : options.host}:${port}`;
  return {
    url: baseUrl,
    port,
    store,
    webhooks,
    admin,
    close: () =>
      new Promise<void>((resolve) => {
        for (const op of bulkOperations.values()) removeBulkFile(op);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
