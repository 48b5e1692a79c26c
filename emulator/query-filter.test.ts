import { describe, expect, it } from "vitest";
import { matchesSearch, parseSearchQuery, unknownFields, withoutUnknownFields, type FieldValue } from "./query-filter";

const product: Record<string, FieldValue[]> = {
  title: ["Linen Wrap Dress"],
  product_type: ["Dresses"],
  vendor: ["Atelier Nord"],
  tag: ["ss26", "made-in-portugal"],
  status: ["ACTIVE"],
  sku: ["SL-DRS-00042-BLK-M"],
  id: [42],
  updated_at: ["2026-06-01T10:00:00Z"],
};
const record = {
  values: (field: string | null) => (field === null ? [...product.title, ...product.vendor] : (product[field] ?? [])),
  wordFields: new Set(["title"]),
};
const matches = (q: string) => matchesSearch(parseSearchQuery(q), record);

describe("Shopify search syntax", () => {
  it("matches free text anywhere in the default fields, case-insensitively", () => {
    expect(matches("wrap")).toBe(true);
    expect(matches("NORD")).toBe(true);
    expect(matches("coat")).toBe(false);
  });

  it("matches keyword fields by whole value, with quotes and * prefix wildcards", () => {
    expect(matches("product_type:Dresses")).toBe(true);
    expect(matches("product_type:dresses")).toBe(true);
    expect(matches("product_type:Dress")).toBe(false);
    expect(matches("product_type:Dress*")).toBe(true);
    expect(matches('vendor:"Atelier Nord"')).toBe(true);
    expect(matches("vendor:Atelier")).toBe(false);
    expect(matches("tag:made-in-portugal")).toBe(true);
    expect(matches("sku:SL-DRS-00042*")).toBe(true);
  });

  it("matches title by words", () => {
    expect(matches("title:dress")).toBe(true);
    expect(matches('title:"wrap dress"')).toBe(true);
    expect(matches('title:"dress wrap"')).toBe(false);
    expect(matches("title:dre")).toBe(false);
    expect(matches("title:dre*")).toBe(true);
  });

  it("joins terms with AND (implicit or explicit), OR (looser) and NOT or -", () => {
    expect(matches("tag:ss26 product_type:Dresses")).toBe(true);
    expect(matches("tag:ss26 AND product_type:Tops")).toBe(false);
    expect(matches("product_type:Tops OR tag:ss26")).toBe(true);
    expect(matches("product_type:Tops OR product_type:Coats tag:ss26")).toBe(false);
    expect(matches("-tag:sale")).toBe(true);
    expect(matches("NOT tag:ss26")).toBe(false);
    expect(matches("tag:ss26 -status:DRAFT")).toBe(true);
  });

  it("groups with parentheses", () => {
    expect(matches("(product_type:Tops OR product_type:Dresses) AND tag:ss26")).toBe(true);
    expect(matches("(product_type:Tops OR product_type:Coats) AND tag:ss26")).toBe(false);
    expect(matches("NOT (tag:sale OR tag:premium)")).toBe(true);
    expect(parseSearchQuery("(a OR b) c")).toEqual({
      kind: "and",
      children: [
        { kind: "or", children: [expect.objectContaining({ value: "a" }), expect.objectContaining({ value: "b" })] },
        expect.objectContaining({ value: "c" }),
      ],
    });
  });

  it("compares numbers and dates", () => {
    expect(matches("id:>41")).toBe(true);
    expect(matches("id:>=43")).toBe(false);
    expect(matches("id:<=42")).toBe(true);
    expect(matches("updated_at:>2026-05-01")).toBe(true);
    expect(matches("updated_at:<'2026-05-01T00:00:00Z'")).toBe(false);
    expect(matches("updated_at:2026-06-01")).toBe(true);
  });

  it("treats an empty query as match-all", () => {
    expect(parseSearchQuery("  ")).toBeNull();
    expect(matches("")).toBe(true);
  });

  it("finds and drops terms on unknown fields instead of matching nothing", () => {
    const query = parseSearchQuery("colour:red tag:ss26");
    expect(unknownFields(query, new Set(["tag"]))).toEqual(["colour"]);
    expect(matchesSearch(withoutUnknownFields(query, new Set(["tag"])), record)).toBe(true);
    expect(withoutUnknownFields(parseSearchQuery("colour:red"), new Set(["tag"]))).toBeNull();
  });
});
