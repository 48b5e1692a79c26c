import { Kind, NoDeprecatedCustomRule, NoUnusedFragmentsRule, parse, specifiedRules, validate } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { loadAdminSchema } from "../emulator/admin-schema";
import { appGraphqlDocuments, graphqlLiteralCounts, untaggedGraphqlLiterals, type AppDocument } from "./support/graphql-documents";

/** Validates one document the way Shopify would, and refuses deprecated fields, arguments, enum values and mutations. */
function validateDocument(source: string) {
  const document = parse(source);
  // A fragment-only constant is interpolated into the queries that use it.
  const onlyFragments = document.definitions.every((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const rules = [...specifiedRules.filter((rule) => !(onlyFragments && rule === NoUnusedFragmentsRule)), NoDeprecatedCustomRule];
  return validate(loadAdminSchema(), document, rules).map((error) => error.message);
}

describe("every GraphQL document the app sends, against Shopify's 2026-10 Admin schema", () => {
  let documents: AppDocument[];
  beforeAll(async () => {
    documents = await appGraphqlDocuments();
  });

  it("finds them all: every #graphql literal in app/ and jobs/ is an exported constant, and no GraphQL literal lacks the marker", () => {
    expect(documents.length).toBeGreaterThan(0);
    const names = documents.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(["CATALOG_PAGE_QUERY", "CATALOG_COUNT_QUERY", "SHOP_INFO_QUERY", "PRODUCT_MIRROR_QUERY", "PRODUCT_MIRROR_FIELDS"]));
    for (const [file, literals] of graphqlLiteralCounts()) {
      expect(documents.filter((d) => d.file === file).length, `${file} has a #graphql literal that is not an exported constant`).toBe(literals);
    }
    expect(untaggedGraphqlLiterals()).toEqual([]);
  });

  it("validates each one, with no deprecated field or mutation", () => {
    for (const document of documents) {
      expect(validateDocument(document.source), `${document.name} in ${document.file}`).toEqual([]);
    }
  });

  it("can fail: a misspelt field, a wrong argument, a deprecated field and a deprecated mutation are all reported", () => {
    expect(validateDocument("query { products(first: 1) { nodes { titel } } }")).toEqual([expect.stringContaining('Cannot query field "titel" on type "Product"')]);
    expect(validateDocument("query { products(frist: 1) { nodes { title } } }")).toEqual([expect.stringContaining('Unknown argument "frist"')]);
    expect(validateDocument("query { products(first: 1) { nodes { totalVariants } } }")).toEqual([expect.stringMatching(/totalVariants is deprecated/)]);
    expect(validateDocument('mutation { productCreateMedia(productId: "gid://shopify/Product/1", media: []) { mediaUserErrors { message } } }')).toEqual([
      expect.stringMatching(/productCreateMedia is deprecated/),
    ]);
  });
});
