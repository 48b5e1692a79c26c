/**
 * Admin GraphQL documents of the catalog domain. Every document is a named
 * constant; test/graphql-documents.test.ts validates them all against
 * Shopify's 2026-10 schema.
 */

export const PRODUCT_MIRROR_FIELDS = `#graphql
  fragment ProductMirrorFields on Product {
    id
    legacyResourceId
    title
    handle
    productType
    vendor
    status
    tags
    createdAt
    updatedAt
    priceRangeV2 {
      minVariantPrice { amount currencyCode }
      maxVariantPrice { amount currencyCode }
    }
    variantsCount { count }
    mediaCount { count }
    variants(first: 20) {
      nodes { id title sku price position selectedOptions { name value } }
    }
    collections(first: 10) {
      nodes { id title handle }
    }
    media(first: 10) {
      nodes {
        id
        alt
        status
        mediaContentType
        preview { image { url width height } }
      }
    }
  }
`;

export const CATALOG_PAGE_QUERY = `#graphql
  ${PRODUCT_MIRROR_FIELDS}
  query CatalogPage($first: Int!, $after: String) {
    products(first: $first, after: $after, sortKey: ID) {
      nodes { ...ProductMirrorFields }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const CATALOG_COUNT_QUERY = `#graphql
  query CatalogCount {
    productsCount(limit: null) { count precision }
  }
`;

export const SHOP_INFO_QUERY = `#graphql
  query ShopInfo {
    shop { name myshopifyDomain currencyCode }
  }
`;

export const PRODUCT_MIRROR_QUERY = `#graphql
  ${PRODUCT_MIRROR_FIELDS}
  query ProductMirror($id: ID!) {
    product(id: $id) { ...ProductMirrorFields }
  }
`;
