/**
 * Admin GraphQL documents of the catalog domain. Every document is a named
 * constant; test/graphql-documents.test.ts validates them all against
 * Shopify's 2026-10 schema.
 */

/** The product's own fields, shared by the paginated and the bulk documents (plain text, not a fragment). */
const PRODUCT_OWN_FIELDS = `
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
`;

export const PRODUCT_MIRROR_FIELDS = `#graphql
  fragment ProductMirrorFields on Product {
    ${PRODUCT_OWN_FIELDS}
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

/**
 * The bulk export of the catalog (bulkOperationRunQuery): connections need no
 * page size; Shopify writes each nested node as its own JSONL line with
 * `__parentId`, after its parent.
 */
export const BULK_CATALOG_QUERY = `#graphql
  query BulkCatalog {
    products {
      edges {
        node {
          ${PRODUCT_OWN_FIELDS}
          variants {
            edges { node { id title sku price position selectedOptions { name value } } }
          }
          collections {
            edges { node { id title handle } }
          }
          media {
            edges { node { id alt status mediaContentType preview { image { url width height } } } }
          }
        }
      }
    }
  }
`;

export const BULK_RUN_QUERY_MUTATION = `#graphql
  mutation BulkCatalogRun($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }
`;

export const BULK_OPERATION_STATUS_QUERY = `#graphql
  query BulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount url }
  }
`;

export const BULK_CANCEL_MUTATION = `#graphql
  mutation BulkCatalogCancel($id: ID!) {
    bulkOperationCancel(id: $id) {
      bulkOperation { id status }
      userErrors { field message }
    }
  }
`;
