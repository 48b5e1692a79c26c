/**
 * Admin GraphQL documents of the publishing domain. Every document is a named
 * constant; test/graphql-documents.test.ts validates them against Shopify's
 * 2026-10 schema, and test/app-config.test.ts derives the access scopes they
 * need (write_products; write_files for fileUpdate and fileDelete).
 * Deprecated productCreateMedia / productDeleteMedia / productUpdateMedia are
 * not used: media is attached with productUpdate(media:), detached with
 * fileUpdate(referencesToRemove:) and brought back with referencesToAdd.
 */

/** The product's media in order, its variants' media and its status: what a snapshot records and placement reads. */
export const PRODUCT_MEDIA_STATE_QUERY = `#graphql
  query PublishingProductMedia($id: ID!) {
    product(id: $id) {
      id
      title
      status
      mediaCount { count }
      media(first: 250) {
        nodes { id alt mediaContentType status }
      }
      variants(first: 100) {
        nodes {
          id
          selectedOptions { name value }
          media(first: 1) { nodes { id } }
        }
      }
    }
  }
`;

export const STAGED_UPLOADS_CREATE_MUTATION = `#graphql
  mutation PublishingStagedUploads($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets { url resourceUrl parameters { name value } }
      userErrors { field message }
    }
  }
`;

/** Attaches one media; the newest media of the product come back so the new id is known at once. */
export const PRODUCT_ATTACH_MEDIA_MUTATION = `#graphql
  mutation PublishingAttachMedia($product: ProductUpdateInput!, $media: [CreateMediaInput!]) {
    productUpdate(product: $product, media: $media) {
      product {
        id
        media(last: 10) {
          nodes { id alt mediaContentType status }
        }
      }
      userErrors { field message }
    }
  }
`;

export const MEDIA_STATUS_QUERY = `#graphql
  query PublishingMediaStatus($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Media {
        id
        status
        mediaContentType
        mediaErrors { code message details }
      }
    }
  }
`;

/** Detaches media from a product (referencesToRemove) or attaches a file again (referencesToAdd). */
export const FILE_REFERENCES_MUTATION = `#graphql
  mutation PublishingFileReferences($files: [FileUpdateInput!]!) {
    fileUpdate(files: $files) {
      files { id }
      userErrors { field message code }
    }
  }
`;

/** Deletes media Shopify could not process (Shotlane's own, never usable) so a retry starts clean. */
export const FILE_DELETE_MUTATION = `#graphql
  mutation PublishingFileDelete($fileIds: [ID!]!) {
    fileDelete(fileIds: $fileIds) {
      deletedFileIds
      userErrors { field message code }
    }
  }
`;

export const PRODUCT_REORDER_MEDIA_MUTATION = `#graphql
  mutation PublishingReorderMedia($id: ID!, $moves: [MoveInput!]!) {
    productReorderMedia(id: $id, moves: $moves) {
      job { id done }
      mediaUserErrors { field message code }
    }
  }
`;

export const JOB_STATUS_QUERY = `#graphql
  query PublishingJob($id: ID!) {
    job(id: $id) { id done }
  }
`;

export const VARIANT_APPEND_MEDIA_MUTATION = `#graphql
  mutation PublishingVariantAppendMedia($productId: ID!, $variantMedia: [ProductVariantAppendMediaInput!]!) {
    productVariantAppendMedia(productId: $productId, variantMedia: $variantMedia) {
      productVariants { id }
      userErrors { field message code }
    }
  }
`;

export const VARIANT_DETACH_MEDIA_MUTATION = `#graphql
  mutation PublishingVariantDetachMedia($productId: ID!, $variantMedia: [ProductVariantDetachMediaInput!]!) {
    productVariantDetachMedia(productId: $productId, variantMedia: $variantMedia) {
      productVariants { id }
      userErrors { field message code }
    }
  }
`;

/** The AI-disclosure marker: product metafield shotlane.ai_generated_media (list.file_reference). */
export const METAFIELDS_SET_MUTATION = `#graphql
  mutation PublishingMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { id namespace key }
      userErrors { field message code }
    }
  }
`;

/** Clears the AI-disclosure marker when no AI-generated media is left on the product. */
export const METAFIELDS_DELETE_MUTATION = `#graphql
  mutation PublishingMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) {
      deletedMetafields { key namespace ownerId }
      userErrors { field message }
    }
  }
`;

/** The product's media ids, alt and type in order: cheap, read right before and after an attach. */
export const PRODUCT_MEDIA_IDS_QUERY = `#graphql
  query PublishingProductMediaIds($id: ID!) {
    product(id: $id) {
      id
      media(first: 250) {
        nodes { id alt mediaContentType }
      }
    }
  }
`;
