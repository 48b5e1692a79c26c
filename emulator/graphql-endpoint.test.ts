import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAdminSchema, loadOfflineScopes } from "./admin-schema";
import type { Emulator } from "./server";
import { eventually, graphqlClient, SHOP, startTestEmulator, TOKEN } from "./test-support";

describe("Admin GraphQL endpoint over HTTP", () => {
  let emulator: Emulator;
  let gql: ReturnType<typeof graphqlClient>;

  beforeAll(async () => {
    // A Plus-size bucket, so paging and filtering are never throttled; the cost tests below start their own.
    emulator = await startTestEmulator({ bucket: { maximumAvailable: 10_000, restoreRate: 1_000 } });
    gql = graphqlClient(emulator);
  });
  afterAll(() => emulator.close());

  it("loads Shopify's schema and scope table for the pinned version", () => {
    const schema = loadAdminSchema();
    expect(schema.getQueryType()?.getFields().products).toBeDefined();
    expect(loadAdminSchema()).toBe(schema);
    expect(loadOfflineScopes().some((s) => s.typeName === "Product" && s.offlineScopes.includes("read_products"))).toBe(true);
  });

  it("refuses a wrong or missing access token with Shopify's 401 body", async () => {
    for (const token of ["wrong", ""]) {
      const { status, body } = await gql("{ shop { name } }", {}, token);
      expect(status).toBe(401);
      expect(body.errors).toBe("[API] Invalid API key or access token (unrecognized login or wrong password)");
    }
  });

  it("answers 404 for an unknown shop and for another API version", async () => {
    const unknown = await graphqlClient(emulator, "nope.myshopify.com")("{ shop { name } }");
    expect(unknown.status).toBe(404);
    const other = await fetch(`${emulator.url}/store/${SHOP}/admin/api/2024-01/graphql.json`, { method: "POST", headers: { "X-Shopify-Access-Token": TOKEN }, body: '{"query":"{ shop { name } }"}' });
    expect(other.status).toBe(404);
    expect(JSON.stringify(await other.json())).toMatch(/serves Admin API version 2026-10 only/);
  });

  it("reports validation errors as Shopify does, with path, code and cost", async () => {
    const { status, body } = await gql("query Catalog { products(first: 1) { nodes { titel } } }");
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors[0]).toMatchObject({
      message: expect.stringMatching(/Cannot query field "titel" on type "Product"/),
      locations: [{ line: 1, column: 46 }],
      path: ["query Catalog", "products", "nodes", "titel"],
      extensions: { code: "undefinedField" },
    });
    expect(body.extensions.cost).toMatchObject({ actualQueryCost: null, throttleStatus: { maximumAvailable: 10_000 } });
    const syntax = await gql("{ shop { name ");
    expect(syntax.body.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("says which field it does not implement instead of answering null", async () => {
    const { body } = await gql("{ shop { name billingAddress { city } } }");
    expect(body.errors[0]).toMatchObject({ message: "The Shotlane store emulator does not implement Shop.billingAddress", path: ["shop", "billingAddress"] });
    expect(body.data).toBeNull();
    const root = await gql("{ orders(first: 1) { nodes { id } } }");
    expect(root.body.errors[0].message).toBe("The Shotlane store emulator does not implement QueryRoot.orders");
  });

  it("answers shop, app installation scopes and the seeded collections", async () => {
    const { body } = await gql(`{
      shop { id name myshopifyDomain currencyCode plan { publicDisplayName shopifyPlus } }
      currentAppInstallation { accessScopes { handle } }
      collections(first: 20, query: "title:sale") { nodes { id title handle productsCount { count } } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.shop).toMatchObject({ myshopifyDomain: SHOP, currencyCode: "EUR", plan: { shopifyPlus: true } });
    expect(body.data.currentAppInstallation.accessScopes.map((s: { handle: string }) => s.handle)).toContain("read_products");
    expect(body.data.collections.nodes).toHaveLength(1);
    const [sale] = body.data.collections.nodes;
    expect(sale).toMatchObject({ title: "Sale", handle: "sale" });
    const inSale = await gql(`{ productsCount(query: "tag:sale") { count } }`);
    expect(sale.productsCount.count).toBe(inSale.body.data.productsCount.count);
    const one = await gql("query($id: ID!) { collection(id: $id) { title } node(id: $id) { ... on Collection { handle } } }", { id: sale.id });
    expect(one.body.data).toEqual({ collection: { title: "Sale" }, node: { handle: "sale" } });
  });

  it("pages through all 500 seeded products, forward and backward, with opaque cursors", async () => {
    const forward: string[] = [];
    let after: string | null = null;
    do {
      const { body } = await gql("query($after: String) { products(first: 100, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }", { after });
      forward.push(...body.data.products.edges.map((e: { node: { id: string } }) => e.node.id));
      expect(body.data.products.edges[0].cursor).not.toContain("Product");
      after = body.data.products.pageInfo.hasNextPage ? body.data.products.pageInfo.endCursor : null;
    } while (after);
    expect(forward).toHaveLength(500);
    expect(new Set(forward).size).toBe(500);

    const backward: string[] = [];
    let before: string | null = null;
    do {
      const { body } = await gql("query($before: String) { products(last: 250, before: $before) { nodes { id } pageInfo { hasPreviousPage startCursor } } }", { before });
      backward.unshift(...body.data.products.nodes.map((n: { id: string }) => n.id));
      before = body.data.products.pageInfo.hasPreviousPage ? body.data.products.pageInfo.startCursor : null;
    } while (before);
    expect(backward).toEqual(forward);
  });

  it("reads one product with its variants, collections, media and counts", async () => {
    const { body } = await gql(`query($id: ID!) {
      product(id: $id) {
        id legacyResourceId title handle descriptionHtml productType vendor tags status createdAt updatedAt publishedAt
        options { name values }
        priceRangeV2 { minVariantPrice { amount currencyCode } maxVariantPrice { amount } }
        variantsCount { count precision } mediaCount { count }
        variants(first: 50) { nodes { id title sku price selectedOptions { name value } } }
        collections(first: 10) { edges { node { id title handle } } }
        featuredMedia { ... on MediaImage { id status image { url width height } } }
      }
      nodes(ids: [$id, "gid://shopify/Product/1"]) { id }
    }`, { id: "gid://shopify/Product/8100000001" });
    expect(body.errors).toBeUndefined();
    const p = body.data.product;
    expect(p.legacyResourceId).toBe("8100000001");
    expect(p.variants.nodes).toHaveLength(p.variantsCount.count);
    expect(p.options.map((o: { name: string }) => o.name)).toEqual(["Color", "Size"]);
    expect(Number(p.priceRangeV2.minVariantPrice.amount)).toBeLessThanOrEqual(Number(p.priceRangeV2.maxVariantPrice.amount));
    expect(p.featuredMedia).toMatchObject({ status: "READY", image: { width: 800, height: 1000, url: expect.stringMatching(/\/flat-lay\.png$/) } });
    expect(body.data.nodes).toEqual([{ id: p.id }, null]);
    // The flat-lay URL serves a real PNG.
    const image = await fetch(p.featuredMedia.image.url);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it("filters products with Shopify's search syntax and counts what it finds", async () => {
    const ids = async (query: string, sortKey = "ID") => {
      const { body } = await gql("query($q: String, $s: ProductSortKeys) { products(first: 250, query: $q, sortKey: $s) { nodes { id title productType vendor tags status } } }", { q: query, s: sortKey });
      return body.data.products.nodes as { id: string; title: string; productType: string; vendor: string; tags: string[]; status: string }[];
    };
    const count = async (query: string) => (await gql("query($q: String) { productsCount(query: $q) { count precision } }", { q: query })).body.data.productsCount;

    const dresses = await ids("product_type:Dresses");
    expect(dresses.length).toBeGreaterThan(0);
    expect(new Set(dresses.map((p) => p.productType))).toEqual(new Set(["Dresses"]));
    expect(await count("product_type:Dresses")).toEqual({ count: dresses.length, precision: "EXACT" });

    const saleOrPremium = await ids("tag:sale OR tag:premium");
    expect(saleOrPremium.every((p) => p.tags.includes("sale") || p.tags.includes("premium"))).toBe(true);
    const activeNotSale = await ids("status:active -tag:sale");
    expect(activeNotSale.every((p) => p.status === "ACTIVE" && !p.tags.includes("sale"))).toBe(true);
    const vendor = dresses[0].vendor;
    expect((await ids(`vendor:"${vendor}" product_type:Dresses`)).every((p) => p.vendor === vendor && p.productType === "Dresses")).toBe(true);
    expect((await ids("title:dress")).every((p) => /dress/i.test(p.title))).toBe(true);
    expect((await ids("sku:SL-DRS-*")).every((p) => p.productType === "Dresses")).toBe(true);
    const later = await ids("id:>8100000490");
    expect(later).toHaveLength(10);

    const byTitle = (await ids("product_type:Tops", "TITLE")).map((p) => p.title.toLowerCase());
    expect(byTitle).toEqual([...byTitle].sort());
    expect(await count("")).toEqual({ count: 500, precision: "EXACT" });
  });

  it("ignores unknown search fields with a warning, as Shopify does", async () => {
    const { body } = await gql('{ productsCount(query: "colour:red") { count } }');
    expect(body.data.productsCount.count).toBe(500);
    expect(body.extensions.search[0]).toMatchObject({ path: ["productsCount"], warnings: [{ field: "colour" }] });
  });
});

describe("query cost and the leaky bucket over HTTP", () => {
  let emulator: Emulator;
  let gql: ReturnType<typeof graphqlClient>;

  beforeAll(async () => {
    // The standard plan's bucket: 1,000 points, 100 per second.
    emulator = await startTestEmulator();
    gql = graphqlClient(emulator);
  });
  afterAll(() => emulator.close());

  it("prices every answer, refuses a query over 1,000 points, and throttles an empty bucket until it refills", async () => {
    const ok = await gql("{ products(first: 10) { nodes { id } } }");
    expect(ok.body.extensions.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 12, throttleStatus: { maximumAvailable: 1000, restoreRate: 100 } });
    const partial = await gql('{ products(first: 50, query: "id:>8100000495") { nodes { id } } }');
    expect(partial.body.extensions.cost).toMatchObject({ requestedQueryCost: 52, actualQueryCost: 7 });

    const huge = await gql("{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }");
    expect(huge.body.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
    expect(huge.body.data).toBeUndefined();

    emulator.store.setBucket(SHOP, 0);
    const throttled = await gql("{ products(first: 50) { nodes { id } } }");
    expect(throttled.body).toMatchObject({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: expect.stringContaining("shopify.dev") } }],
      extensions: { cost: { requestedQueryCost: 52, actualQueryCost: null, throttleStatus: { maximumAvailable: 1000, restoreRate: 100 } } },
    });
    expect(throttled.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(52);
    expect(throttled.body.data).toBeUndefined();

    // The bucket refills at 100 points per second: the same query soon fits again.
    const recovered = await eventually(async () => {
      const { body } = await gql("{ products(first: 50) { nodes { id } } }");
      return body.errors ? undefined : body;
    }, "the bucket to refill");
    expect(recovered.data.products.nodes).toHaveLength(50);
  });

  it("drains the bucket through the admin endpoint too", async () => {
    const response = await fetch(`${emulator.url}/emulator/shops/${SHOP}/throttle`, { method: "POST", body: JSON.stringify({ currentlyAvailable: 0 }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { throttleStatus: { currentlyAvailable: number } }).throttleStatus.currentlyAvailable).toBe(0);
    expect((await gql("{ products(first: 50) { nodes { id } } }")).body.errors[0].extensions.code).toBe("THROTTLED");
    emulator.store.setBucket(SHOP, 1000);
  });
});
