import { describe, expect, it } from "vitest";
import { BulkCatalogBatcher, BulkLineError, type BulkBatch } from "./bulk-catalog";

const product = (n: number) =>
  JSON.stringify({
    id: `gid://shopify/Product/${n}`,
    legacyResourceId: String(n),
    title: `Product ${n}`,
    handle: `product-${n}`,
    productType: "Dresses",
    vendor: "Kiyo",
    status: "ACTIVE",
    tags: ["ss26", "ss26"],
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-02T00:00:00Z",
    priceRangeV2: { minVariantPrice: { amount: "10.0", currencyCode: "EUR" }, maxVariantPrice: { amount: "12.5", currencyCode: "EUR" } },
    variantsCount: { count: 1 },
  });
const variant = (n: number, parent: number) => JSON.stringify({ id: `gid://shopify/ProductVariant/${n}`, title: "M", sku: `S-${n}`, price: "12.50", position: 1, selectedOptions: [{ name: "Size", value: "M" }], __parentId: `gid://shopify/Product/${parent}` });
const media = (n: number, parent: number) => JSON.stringify({ id: `gid://shopify/MediaImage/${n}`, alt: null, status: "READY", mediaContentType: "IMAGE", preview: { image: { url: `https://cdn/${n}.png`, width: 1, height: 1 } }, __parentId: `gid://shopify/Product/${parent}` });
const collection = (n: number, parent: number) => JSON.stringify({ id: `gid://shopify/Collection/${n}`, title: "Core", handle: "core", __parentId: `gid://shopify/Product/${parent}` });

function run(lines: string[], batchSize: number): BulkBatch[] {
  const batcher = new BulkCatalogBatcher(batchSize);
  const batches: BulkBatch[] = [];
  for (const line of lines) {
    const batch = batcher.add(line);
    if (batch) batches.push(batch);
  }
  batches.push(batcher.finish());
  return batches;
}

describe("BulkCatalogBatcher", () => {
  it("stitches children to parents by __parentId when they are not adjacent", () => {
    const lines = [product(1), product(2), variant(11, 1), media(21, 2), product(3), media(22, 2), collection(31, 1), variant(12, 3), ""];
    const [batch] = run(lines, 100);
    expect(batch.products.map((p) => p.id)).toEqual(["gid://shopify/Product/1", "gid://shopify/Product/2", "gid://shopify/Product/3"]);
    expect(batch.products[0]).toMatchObject({ minPriceCents: 1000, maxPriceCents: 1250, tags: ["ss26"], legacyId: "1" });
    expect(batch.variants.map((v) => [v.productId, v.id])).toEqual([
      ["gid://shopify/Product/1", "gid://shopify/ProductVariant/11"],
      ["gid://shopify/Product/3", "gid://shopify/ProductVariant/12"],
    ]);
    expect(batch.media.map((m) => [m.productId, m.position])).toEqual([
      ["gid://shopify/Product/2", 1],
      ["gid://shopify/Product/2", 2],
    ]);
    expect(batch.collections).toEqual([{ productId: "gid://shopify/Product/1", id: "gid://shopify/Collection/31", title: "Core", handle: "core" }]);
  });

  it("emits batches as it goes, never holding more than one, and every child's parent is in its batch or an earlier one", () => {
    const lines: string[] = [];
    for (let n = 1; n <= 25; n++) lines.push(product(n));
    for (let n = 1; n <= 25; n++) lines.push(variant(100 + n, n));
    const batches = run(lines, 10);
    expect(batches.map((b) => b.products.length)).toEqual([10, 10, 5]);
    const seen = new Set<string>();
    for (const batch of batches) {
      batch.products.forEach((p) => seen.add(p.id));
      for (const v of batch.variants) expect(seen.has(v.productId)).toBe(true);
    }
    expect(batches.flatMap((b) => b.variants)).toHaveLength(25);
  });

  it("names the line of a malformed or unexpected entry", () => {
    expect(() => run([product(1), "{not json"], 10)).toThrow(new BulkLineError(2, "not valid JSON"));
    expect(() => run([JSON.stringify({ id: "gid://shopify/Order/1" })], 10)).toThrow(/line 1 could not be read: unexpected object gid:\/\/shopify\/Order\/1/);
    expect(() => run([JSON.stringify({ id: "gid://shopify/Product/1", title: 5 })], 10)).toThrow(/line 1 could not be read/);
  });
});

describe("jsonlLines", () => {
  it("splits a streamed body into lines across chunk boundaries, including a last line without a newline", async () => {
    const { jsonlLines } = await import("./bulk-sync.server");
    const encoder = new TextEncoder();
    const chunks = ['{"a":1}\n{"b":', '2}\r\n\n{"c":"é', '"}'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    const lines: string[] = [];
    for await (const line of jsonlLines(body)) lines.push(line);
    expect(lines).toEqual(['{"a":1}', '{"b":2}', "", '{"c":"é"}']);
  });
});

describe("chunkSizes", () => {
  it("splits any row count into a few fixed statement sizes that add up to it", async () => {
    const { chunkSizes } = await import("./bulk-writer.server");
    expect(chunkSizes(500)).toEqual([256, 64, 64, 64, 16, 16, 16, 4]);
    expect(chunkSizes(3)).toEqual([1, 1, 1]);
    expect(chunkSizes(0)).toEqual([]);
    for (const n of [1, 7, 255, 257, 3499]) expect(chunkSizes(n).reduce((a, b) => a + b, 0)).toBe(n);
  });
});
