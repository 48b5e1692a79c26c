import { describe, expect, it } from "vitest";
import { parseProductListQuery } from "./product-list-query";
import { productListSearch } from "./product-list-search";

describe("parseProductListQuery", () => {
  it("reads filters and paging, dropping empty values", () => {
    const parsed = parseProductListQuery(new URLSearchParams("q=%20linen%20&type=Dresses&tag=&page=3&pageSize=25"));
    expect(parsed).toEqual({ ok: true, query: { q: "linen", type: "Dresses", page: 3, pageSize: 25 } });
  });

  it("reports a bad field by name and keeps the valid ones", () => {
    const parsed = parseProductListQuery(new URLSearchParams("vendor=Nord&page=-2&pageSize=7"));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.page).toBe("page must be 1 or more");
    expect(parsed.errors.pageSize).toMatch(/pageSize must be one of 25, 50, 100/);
    expect(parsed.query).toMatchObject({ vendor: "Nord", page: 1, pageSize: 50 });
  });
});

describe("productListSearch", () => {
  it("round-trips through the parser and omits defaults", () => {
    const search = productListSearch({ q: "wrap dress", collection: "gid://shopify/Collection/1", page: 2, pageSize: 50 });
    expect(search).toBe("?q=wrap+dress&collection=gid%3A%2F%2Fshopify%2FCollection%2F1&page=2");
    expect(parseProductListQuery(new URLSearchParams(search.slice(1)))).toMatchObject({ ok: true, query: { q: "wrap dress", page: 2 } });
    expect(productListSearch({ page: 1 })).toBe("");
  });

  it("keeps the shot list status filter in links and refuses an unknown one by name", () => {
    const search = productListSearch({ shotList: "sent", page: 1, pageSize: 50 });
    expect(search).toBe("?shotList=sent");
    expect(parseProductListQuery(new URLSearchParams(search.slice(1)))).toEqual({ ok: true, query: { shotList: "sent", page: 1, pageSize: 50 } });
    const bad = parseProductListQuery(new URLSearchParams("shotList=lost"));
    expect(bad.ok ? null : bad.errors.shotList).toBe("shotList must be none, draft, sent, shooting or delivered");
  });
});
