import { NoDeprecatedCustomRule, NoUnusedFragmentsRule, parse, specifiedRules, validate, Kind } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { loadAdminSchema } from "../emulator/admin-schema";
import { appGraphqlDocuments, graphqlLiteralCounts, type AppDocument } from "./support/graphql-documents";

/** Validates one document the way Shopify would, and refuses deprecated fields and mutations. */
function validateDocument(source: string) {
  const document = parse(source);
  const onlyFragments = document.definitions.every((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const rules = [...specifiedRules.filter((rule) => !(onlyFragments && rule === NoUnusedFragmentsRule)), NoDeprecatedCustomRule];
  return validate(loadAdminSchema(), document, rules).map((error) => error.message);
}

describe("every GraphQL document the app sends, against Shopify's 2026-10 Admin schema", () => {
  let documents: AppDocument[];
  beforeAll(async () => {
    documents = await appGraphqlDocuments();
  });

  it("finds them all: every #graphql literal in app/ and jobs/ is an exported constant", () => {
    const names = documents.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(["CATALOG_PAGE_QUERY", "CATALOG_COUNT_QUERY", "SHOP_INFO_QUERY", "PRODUCT_MIRROR_QUERY", "PRODUCT_MIRROR_FIELDS"]));
    for (const [file, literals] of graphqlLiteralCounts()) {
      expect(documents.filter((d) => d.file === file).length, `${file} has a #graphql literal that is not an exported constant`).toBe(literals);
    }
  });

  it("validates each one, with no deprecated field or mutation", () => {
    for (const document of documents) {
      expect(validateDocument(document.source), `${document.name} in ${document.file}`).toEqual([]);
    }
  });

  it("can fail: a misspelt field and a deprecated field are both reported", () => {
    expect(validateDocument("query { products(first: 1) { nodes { titel } } }")).toEqual([expect.stringContaining('Cannot query field "titel" on type "Product"')]);
    expect(validateDocument("query { products(first: 1) { nodes { totalVariants } } }")).toEqual([expect.stringMatching(/totalVariants is deprecated/)]);
    expect(validateDocument('mutation { productCreateMedia(productId: "gid://shopify/Product/1", media: []) { mediaUserErrors { message } } }')).toEqual([
      expect.stringMatching(/productCreateMedia is deprecated/),
    ]);
  });
});
