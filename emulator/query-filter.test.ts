import { describe, expect, it } from "vitest";
import { matchesSearch, parseSearchQuery, type FieldValue } from "./query-filter";

const product: Record<string, FieldValue[]> = {
  title: ["Linen Wrap Dress"],
  product_type: ["Dresses"],
  vendor: ["Atelier Nord"],
  tag: ["ss26", "linen"],
  status: ["ACTIVE"],
  id: [42],
  updated_at: ["2026-06-01T00:00:00Z"],
};
const accessor = (field: string | null) => (field === null ? [...product.title, ...product.vendor] : (product[field] ?? []));
const matches = (q: string) => matchesSearch(parseSearchQuery(q), accessor);

describe("Shopify search syntax", () => {
  it("matches free text against the title, case-insensitively", () => {
    expect(matches("wrap")).toBe(true);
    expect(matches("coat")).toBe(false);
  });
  it("matches fields exactly, quoted values and prefix wildcards", () => {
    expect(matches("product_type:Dresses")).toBe(true);
    expect(matches("product_type:Dress")).toBe(false);
    expect(matches("product_type:Dress*")).toBe(true);
    expect(matches('vendor:"Atelier Nord"')).toBe(true);
    expect(matches("tag:linen")).toBe(true);
  });
  it("joins terms with AND (implicit or explicit) and OR, with NOT and -", () => {
    expect(matches("tag:ss26 product_type:Dresses")).toBe(true);
    expect(matches("tag:ss26 AND product_type:Tops")).toBe(false);
    expect(matches("product_type:Tops OR tag:linen")).toBe(true);
    expect(matches("-tag:sale")).toBe(true);
    expect(matches("NOT tag:ss26")).toBe(false);
  });
  it("compares numbers and dates", () => {
    expect(matches("id:>41")).toBe(true);
    expect(matches("id:>=43")).toBe(false);
    expect(matches("updated_at:>2026-05-01")).toBe(true);
    expect(matches("updated_at:<2026-05-01")).toBe(false);
  });
  it("treats an empty query as match-all", () => {
    expect(parseSearchQuery("  ")).toEqual([]);
    expect(matches("")).toBe(true);
  });
});
