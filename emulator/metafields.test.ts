import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { APP_NAMESPACE, checkKey, checkNamespace, checkType, checkValue, metafieldDigest, resolveNamespace } from "./metafields";
import type { Emulator } from "./server";
import { eventually, graphqlClient, SHOP, settledMedia, startTestEmulator, startWebhookReceiver, uploadMedia } from "./test-support";

const SET = `mutation SetMetafields($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key type value jsonValue ownerType createdAt updatedAt compareDigest }
    userErrors { field message code elementIndex }
  }
}`;
const READ = `query ProductMetafields($id: ID!, $namespace: String) {
  product(id: $id) {
    disclosure: metafield(namespace: "shotlane", key: "ai_disclosure") { value type compareDigest }
    appOwned: metafield(key: "state") { namespace value }
    metafields(first: 20, namespace: $namespace) { nodes { namespace key type value } }
  }
}`;

type UserError = { field: string[]; message: string; code: string; elementIndex: number | null };
type Metafield = { id: string; namespace: string; key: string; type: string; value: string; jsonValue: unknown; ownerType: string; createdAt: string; updatedAt: string; compareDigest: string };

describe("metafield rules", () => {
  it("resolves the app-reserved namespace", () => {
    expect(resolveNamespace(undefined)).toBe(APP_NAMESPACE);
    expect(resolveNamespace("$app")).toBe(APP_NAMESPACE);
    expect(resolveNamespace("$app:publishing")).toBe(`${APP_NAMESPACE}--publishing`);
    expect(resolveNamespace("shotlane")).toBe("shotlane");
  });

  it("holds namespaces to 3–255 and keys to 2–64 letters, digits, hyphens and underscores", () => {
    expect(checkNamespace("abc")).toEqual({ ok: true, value: "abc" });
    expect(checkNamespace("ab")).toMatchObject({ ok: false, problem: { field: "namespace", code: "TOO_SHORT" } });
    expect(checkNamespace("a".repeat(255)).ok).toBe(true);
    expect(checkNamespace("a".repeat(256))).toMatchObject({ ok: false, problem: { code: "TOO_LONG" } });
    expect(checkNamespace(" ")).toMatchObject({ ok: false, problem: { code: "BLANK" } });
    expect(checkNamespace("shot.lane")).toMatchObject({ ok: false, problem: { code: "INVALID" } });
    expect(checkNamespace(null)).toEqual({ ok: true, value: APP_NAMESPACE });
    expect(checkKey("ab")).toEqual({ ok: true, value: "ab" });
    expect(checkKey("a")).toMatchObject({ ok: false, problem: { field: "key", code: "TOO_SHORT" } });
    expect(checkKey("k".repeat(64)).ok).toBe(true);
    expect(checkKey("k".repeat(65))).toMatchObject({ ok: false, problem: { code: "TOO_LONG" } });
    expect(checkKey("ai disclosure")).toMatchObject({ ok: false, problem: { code: "INVALID" } });
    expect(checkKey("")).toMatchObject({ ok: false, problem: { code: "BLANK" } });
  });

  it("knows its types and says so for Shopify types it does not model", () => {
    expect(checkType("boolean")).toEqual({ ok: true, value: "boolean" });
    expect(checkType(undefined)).toMatchObject({ ok: false, problem: { code: "BLANK" } });
    expect(checkType("url")).toMatchObject({ ok: false, problem: { code: "INVALID_TYPE", message: expect.stringMatching(/does not support metafield type url/) } });
    expect(checkType("colour")).toMatchObject({ ok: false, problem: { code: "INVALID_TYPE", message: expect.stringMatching(/"colour" is not a metafield type/) } });
  });

  it("checks values by type and stores them normalised", () => {
    const files = new Set(["gid://shopify/MediaImage/1", "gid://shopify/Video/2"]);
    const exists = (id: string) => files.has(id);
    expect(checkValue("single_line_text_field", "AI-generated image", exists)).toEqual({ ok: true, value: "AI-generated image" });
    expect(checkValue("single_line_text_field", "two\nlines", exists)).toMatchObject({ ok: false, problem: { code: "INVALID_VALUE" } });
    expect(checkValue("multi_line_text_field", "two\nlines", exists).ok).toBe(true);
    expect(checkValue("boolean", "true", exists)).toEqual({ ok: true, value: "true" });
    expect(checkValue("boolean", "yes", exists)).toMatchObject({ ok: false, problem: { code: "INVALID_VALUE" } });
    expect(checkValue("number_integer", "+042", exists)).toEqual({ ok: true, value: "42" });
    expect(checkValue("number_integer", "4.2", exists)).toMatchObject({ ok: false, problem: { code: "INVALID_VALUE" } });
    expect(checkValue("number_integer", "9007199254740992", exists)).toMatchObject({ ok: false, problem: { code: "INVALID_VALUE" } });
    expect(checkValue("json", '{ "model": "demo" }', exists)).toEqual({ ok: true, value: '{"model":"demo"}' });
    expect(checkValue("json", "{model}", exists)).toMatchObject({ ok: false, problem: { code: "INVALID_VALUE" } });
    expect(checkValue("list.file_reference", '["gid://shopify/MediaImage/1", "gid://shopify/Video/2"]', exists)).toEqual({ ok: true, value: '["gid://shopify/MediaImage/1","gid://shopify/Video/2"]' });
    expect(checkValue("list.file_reference", '["gid://shopify/MediaImage/1","gid://shopify/MediaImage/3"]', exists)).toMatchObject({ ok: false, problem: { code: "INVALID_VALUE", elementIndex: 1 } });
    expect(checkValue("list.file_reference", '["gid://shopify/Product/1"]', exists)).toMatchObject({ ok: false, problem: { code: "INVALID_VALUE", elementIndex: 0 } });
    expect(checkValue("list.file_reference", '"gid://shopify/MediaImage/1"', exists)).toMatchObject({ ok: false, problem: { code: "INVALID_VALUE", elementIndex: null } });
    expect(checkValue("file_reference", "gid://shopify/Video/2", exists).ok).toBe(true);
    expect(checkValue("boolean", "", exists)).toMatchObject({ ok: false, problem: { code: "BLANK" } });
  });

  it("gives a new digest for a new value or type", () => {
    const digest = metafieldDigest({ type: "boolean", value: "true" });
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(metafieldDigest({ type: "boolean", value: "true" })).toBe(digest);
    expect(metafieldDigest({ type: "boolean", value: "false" })).not.toBe(digest);
    expect(metafieldDigest({ type: "single_line_text_field", value: "true" })).not.toBe(digest);
  });
});

describe("metafields over HTTP", () => {
  let emulator: Emulator;
  let gql: ReturnType<typeof graphqlClient>;
  let app: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let image: string;
  const productId = (n: number) => `gid://shopify/Product/${8_100_000_000 + n}`;

  beforeAll(async () => {
    app = await startWebhookReceiver();
    emulator = await startTestEmulator({
      productCount: 10,
      bucket: { maximumAvailable: 20_000, restoreRate: 2_000 },
      appUrl: app.url,
      webhooks: [{ topics: ["products/update"], uri: "/webhooks/products/update" }],
    });
    gql = graphqlClient(emulator);
    const png = await sharp({ create: { width: 40, height: 50, channels: 3, background: "#aa3322" } }).png().toBuffer();
    image = await uploadMedia(emulator, productId(1), { resource: "IMAGE", filename: "ai-front.png", mimeType: "image/png", bytes: png });
    expect((await settledMedia(emulator, image)).status).toBe("READY");
  });
  afterAll(async () => {
    await emulator.close();
    await app.close();
  });
  beforeEach(async () => {
    await emulator.webhooks.idle();
    app.received.length = 0;
  });

  async function set(metafields: Record<string, unknown>[]) {
    const { body } = await gql(SET, { metafields });
    expect(body.errors).toBeUndefined();
    return body.data.metafieldsSet as { metafields: Metafield[] | null; userErrors: UserError[] };
  }
  async function read(id: string, namespace: string | null = null) {
    const { body } = await gql(READ, { id, namespace });
    expect(body.errors).toBeUndefined();
    return body.data.product;
  }
  const updatesFor = (id: string) => app.received.filter((r) => r.headers["x-shopify-topic"] === "products/update").map((r) => JSON.parse(r.body)).filter((p) => p.admin_graphql_api_id === id);

  it("sets product metafields, reads them back by namespace and key, and fires products/update", async () => {
    const id = productId(1);
    const result = await set([
      { ownerId: id, namespace: "shotlane", key: "ai_disclosure", type: "single_line_text_field", value: "Image generated with AI" },
      { ownerId: id, namespace: "shotlane", key: "ai_media", type: "list.file_reference", value: JSON.stringify([image]) },
      { ownerId: id, key: "state", type: "json", value: '{ "published": 1 }' },
    ]);
    expect(result.userErrors).toEqual([]);
    expect(result.metafields!.map((m) => [m.namespace, m.key, m.type, m.value, m.ownerType])).toEqual([
      ["shotlane", "ai_disclosure", "single_line_text_field", "Image generated with AI", "PRODUCT"],
      ["shotlane", "ai_media", "list.file_reference", JSON.stringify([image]), "PRODUCT"],
      [APP_NAMESPACE, "state", "json", '{"published":1}', "PRODUCT"],
    ]);
    expect(result.metafields![2].jsonValue).toEqual({ published: 1 });
    expect(result.metafields![0].id).toMatch(/^gid:\/\/shopify\/Metafield\/\d+$/);

    const product = await read(id);
    expect(product.disclosure).toEqual({ value: "Image generated with AI", type: "single_line_text_field", compareDigest: result.metafields![0].compareDigest });
    expect(product.appOwned).toEqual({ namespace: APP_NAMESPACE, value: '{"published":1}' });
    expect((await read(id, "shotlane")).metafields.nodes.map((m: { key: string }) => m.key)).toEqual(["ai_disclosure", "ai_media"]);
    expect((await read(id, "$app")).metafields.nodes.map((m: { key: string }) => m.key)).toEqual(["state"]);

    // The file list resolves to the files, and the metafield is a node.
    const refs = await gql("query Refs($id: ID!) { node(id: $id) { ... on Metafield { key owner { ... on Product { id } } references(first: 5) { nodes { ... on MediaImage { id status } } } } } }", { id: result.metafields![1].id });
    expect(refs.body.data.node).toEqual({ key: "ai_media", owner: { id }, references: { nodes: [{ id: image, status: "READY" }] } });

    const admin = (await (await fetch(`${emulator.url}/emulator/shops/${SHOP}/products/${id.split("/").pop()}`)).json()).product;
    expect(admin.metafields).toEqual([
      { namespace: "shotlane", key: "ai_disclosure", type: "single_line_text_field", value: "Image generated with AI" },
      { namespace: "shotlane", key: "ai_media", type: "list.file_reference", value: JSON.stringify([image]) },
      { namespace: APP_NAMESPACE, key: "state", type: "json", value: '{"published":1}' },
    ]);
    await eventually(async () => (updatesFor(id).length === 1 ? true : undefined), "one products/update for the set");

    // Setting the same values again changes nothing: no webhook, same updatedAt.
    const again = await set([{ ownerId: id, namespace: "shotlane", key: "ai_disclosure", type: "single_line_text_field", value: "Image generated with AI" }]);
    expect(again.metafields![0].updatedAt).toBe(result.metafields![0].updatedAt);
    await emulator.webhooks.idle();
    expect(updatesFor(id)).toHaveLength(1);
  });

  it("keeps metafields on variants and on media images", async () => {
    const variants = await gql("query V($id: ID!) { product(id: $id) { variants(first: 1) { nodes { id } } } }", { id: productId(1) });
    const variantId = variants.body.data.product.variants.nodes[0].id;
    const result = await set([
      { ownerId: variantId, namespace: "shotlane", key: "colourway", type: "single_line_text_field", value: "Navy" },
      { ownerId: image, namespace: "shotlane", key: "ai_generated", type: "boolean", value: "true" },
    ]);
    expect(result.userErrors).toEqual([]);
    expect(result.metafields!.map((m) => m.ownerType)).toEqual(["PRODUCTVARIANT", "MEDIA_IMAGE"]);
    expect(result.metafields![1].jsonValue).toBe(true);
    const back = await gql(
      `query Owners($variant: ID!, $image: ID!) {
        variant: node(id: $variant) { ... on ProductVariant { metafield(namespace: "shotlane", key: "colourway") { value } } }
        image: node(id: $image) { ... on MediaImage { metafields(first: 5) { nodes { key value } } } }
      }`,
      { variant: variantId, image },
    );
    expect(back.body.data).toEqual({ variant: { metafield: { value: "Navy" } }, image: { metafields: { nodes: [{ key: "ai_generated", value: "true" }] } } });
  });

  it("answers MetafieldsSetUserErrorCode values with the input's path and writes nothing when any input is wrong", async () => {
    const id = productId(2);
    const result = await set([
      { ownerId: id, namespace: "shotlane", key: "fine", type: "single_line_text_field", value: "would be fine" },
      { ownerId: id, namespace: "shotlane", key: "flag", type: "boolean", value: "yes" },
      { ownerId: id, namespace: "shotlane", key: "files", type: "list.file_reference", value: JSON.stringify([image, "gid://shopify/MediaImage/123"]) },
      { ownerId: id, namespace: "shotlane", key: "link", type: "url", value: "https://example.com" },
      { ownerId: id, namespace: "shotlane", key: "untyped", value: "x" },
      { ownerId: id, namespace: "sl", key: "k", type: "boolean", value: "true" },
      { ownerId: "gid://shopify/Product/1", namespace: "shotlane", key: "gone", type: "boolean", value: "true" },
      { ownerId: id, namespace: "shotlane", key: "k".repeat(65), type: "boolean", value: "true" },
    ]);
    expect(result.metafields).toBeNull();
    expect(result.userErrors.map((e) => [e.field, e.code, e.elementIndex])).toEqual([
      [["metafields", "1", "value"], "INVALID_VALUE", null],
      [["metafields", "2", "value"], "INVALID_VALUE", 1],
      [["metafields", "3", "type"], "INVALID_TYPE", null],
      [["metafields", "4", "type"], "BLANK", null],
      [["metafields", "5", "namespace"], "TOO_SHORT", null],
      [["metafields", "5", "key"], "TOO_SHORT", null],
      [["metafields", "6", "ownerId"], "INVALID", null],
      [["metafields", "7", "key"], "TOO_LONG", null],
    ]);
    expect(result.userErrors[1].message).toMatch(/gid:\/\/shopify\/MediaImage\/123, which is not a file of this shop/);
    expect((await read(id)).metafields.nodes).toEqual([]);

    const tooMany = await set(Array.from({ length: 26 }, (_, i) => ({ ownerId: id, namespace: "shotlane", key: `k${i}`, type: "boolean", value: "true" })));
    expect(tooMany.userErrors).toEqual([{ field: ["metafields"], message: expect.stringMatching(/limit of 25/), code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null }]);
    expect((await set(Array.from({ length: 25 }, (_, i) => ({ ownerId: id, namespace: "shotlane", key: `k${i}`, type: "boolean", value: "true" })))).userErrors).toEqual([]);
    await emulator.webhooks.idle();
    // One products/update for the call that wrote, none for the refused ones.
    expect(updatesFor(id)).toHaveLength(1);

    const collection = await gql(SET, { metafields: [{ ownerId: "gid://shopify/Collection/1", namespace: "shotlane", key: "kk", type: "boolean", value: "true" }] });
    expect(collection.body.errors[0]).toMatchObject({ message: expect.stringMatching(/does not implement metafields on Collection/), extensions: { code: "NOT_IMPLEMENTED_IN_EMULATOR" } });
  });

  it("compares and sets with compareDigest", async () => {
    const id = productId(3);
    const base = { ownerId: id, namespace: "shotlane", key: "ai_disclosure", type: "single_line_text_field" };
    // null: only while the metafield does not exist.
    const created = await set([{ ...base, value: "v1", compareDigest: null }]);
    expect(created.userErrors).toEqual([]);
    const again = await set([{ ...base, value: "v1b", compareDigest: null }]);
    expect(again.userErrors).toEqual([{ field: ["metafields", "0", "compareDigest"], message: expect.stringMatching(/modified since it was loaded/), code: "STALE_OBJECT", elementIndex: null }]);

    const digest = created.metafields![0].compareDigest;
    const updated = await set([{ ...base, value: "v2", compareDigest: digest }]);
    expect(updated.userErrors).toEqual([]);
    expect(updated.metafields![0].compareDigest).not.toBe(digest);
    // The old digest is stale now.
    expect((await set([{ ...base, value: "v3", compareDigest: digest }])).userErrors[0].code).toBe("STALE_OBJECT");
    expect((await set([{ ...base, value: "v3", compareDigest: "not-a-digest" }])).userErrors[0].code).toBe("INVALID_COMPARE_DIGEST");
    expect((await read(id)).disclosure.value).toBe("v2");
    // Without compareDigest, last write wins.
    expect((await set([{ ...base, value: "v4" }])).userErrors).toEqual([]);
    expect((await read(id)).disclosure.value).toBe("v4");
  });

  it("deletes metafields, answering null for ones that are not there", async () => {
    const id = productId(4);
    await set([{ ownerId: id, namespace: "shotlane", key: "ai_disclosure", type: "single_line_text_field", value: "AI" }]);
    await emulator.webhooks.idle();
    app.received.length = 0;
    const { body } = await gql("mutation Del($metafields: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $metafields) { deletedMetafields { ownerId namespace key } userErrors { field message } } }", {
      metafields: [
        { ownerId: id, namespace: "shotlane", key: "ai_disclosure" },
        { ownerId: id, namespace: "shotlane", key: "never_set" },
      ],
    });
    expect(body.data.metafieldsDelete).toEqual({ deletedMetafields: [{ ownerId: id, namespace: "shotlane", key: "ai_disclosure" }, null], userErrors: [] });
    expect((await read(id)).disclosure).toBeNull();
    await eventually(async () => (updatesFor(id).length === 1 ? true : undefined), "products/update for the delete");
  });

  it("drops a product's metafields with the product, and a file's with the file", async () => {
    const product = emulator.admin.createProduct(SHOP, { title: "Short-lived" });
    const id = `gid://shopify/Product/${product.id}`;
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#000000" } }).png().toBuffer();
    const file = await uploadMedia(emulator, id, { resource: "IMAGE", filename: "x.png", mimeType: "image/png", bytes: png });
    await settledMedia(emulator, file);
    const written = await set([
      { ownerId: id, namespace: "shotlane", key: "kk", type: "boolean", value: "true" },
      { ownerId: file, namespace: "shotlane", key: "kk", type: "boolean", value: "true" },
    ]);
    const [productField, fileField] = written.metafields!.map((m) => m.id);
    await gql("mutation Delete($ids: [ID!]!) { fileDelete(fileIds: $ids) { userErrors { code } } }", { ids: [file] });
    emulator.admin.deleteProduct(SHOP, product.id);
    const nodes = await gql("query Gone($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids: [productField, fileField] });
    expect(nodes.body.data.nodes).toEqual([null, null]);
  });
});
