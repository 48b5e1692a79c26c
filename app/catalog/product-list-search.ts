import type { ProductListQuery } from "./product-list-query";

/** The same query as URL params, without defaults, for links (pagination keeps the filters). */
export function productListSearch(query: Partial<ProductListQuery>): string {
  const params = new URLSearchParams();
  for (const key of ["q", "type", "vendor", "tag", "collection", "tier", "lane", "gap", "shotList"] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.page && query.page > 1) params.set("page", String(query.page));
  if (query.pageSize && query.pageSize !== 50) params.set("pageSize", String(query.pageSize));
  const text = params.toString();
  return text ? `?${text}` : "";
}
