import { existsSync, readFileSync } from "node:fs";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchemaPath, loadAdminSchema, loadOfflineScopes } from "../emulator/admin-schema";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { readAppToml, webhookSubscriptions } from "../scripts/lib/app-toml";
import { appGraphqlDocuments } from "./support/graphql-documents";
import { entryClauses, minimalScopes, scopeRequirements } from "./support/scopes";

const TOML_FILE = "shopify.app.toml";

/** The scopes a document needs, derived from Shopify's scope table. */
const derive = (source: string) => minimalScopes(scopeRequirements(loadAdminSchema(), parse(source), loadOfflineScopes()));

/**
 * Each `[[webhooks.subscriptions]]` block of the toml text with the comment line
 * right above it (blank lines skipped, other comment lines such as a section
 * note allowed above it).
 */
function subscriptionBlocks(text: string): { comment: string | undefined; uri: string | undefined }[] {
  const lines = text.split("\n").map((l) => l.trim());
  return lines.flatMap((line, i) => {
    if (line !== "[[webhooks.subscriptions]]") return [];
    let above = i - 1;
    while (above >= 0 && lines[above] === "") above--;
    const comment = lines[above]?.startsWith("#") ? lines[above].replace(/^#\s*/, "") : undefined;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("["));
    const uri = lines.slice(i + 1, end === -1 ? undefined : end).map((l) => /^uri\s*=\s*"([^"]*)"/.exec(l)?.[1]).find(Boolean);
    return [{ comment, uri }];
  });
}

describe("shopify.app.toml", () => {
  const toml = readAppToml(TOML_FILE);

  it("uses the one Admin API version the app, the webhooks and the schema check use", () => {
    expect(ADMIN_API_VERSION).toBe("2026-10");
    expect(toml.webhooks.api_version).toBe(ADMIN_API_VERSION);
    // The schema the emulator and the document check load is the pinned version's.
    expect(adminSchemaPath()).toMatch(new RegExp(`/admin_${ADMIN_API_VERSION}\\.json\\.gz$`));
    expect(existsSync(adminSchemaPath())).toBe(true);
    expect(loadAdminSchema().getQueryType()?.name).toBe("QueryRoot");
    expect(readFileSync("app/shopify.server.ts", "utf8")).toMatch(/apiVersion:\s*ADMIN_API_VERSION\b/);
  });

  it("declares exactly the access scopes the app's GraphQL documents need: none missing, none extra", async () => {
    const schema = loadAdminSchema();
    const table = loadOfflineScopes();
    const documents = await appGraphqlDocuments();
    const requirements = documents.flatMap((d) => scopeRequirements(schema, parse(d.source), table));
    expect(requirements.length).toBeGreaterThan(0);
    const declared = toml.access_scopes.scopes.split(",").map((s) => s.trim()).filter(Boolean).sort();
    expect(declared).toEqual(minimalScopes(requirements));
  });

  describe("scope derivation", () => {
    it("reads each table entry as alternatives or as a conjunction, as its sentence says", () => {
      const at = (typeName: string, fieldName?: string) => loadOfflineScopes().find((e) => e.typeName === typeName && e.fieldName === fieldName)!;
      // "`read_products` access scope, `read_files` access scope, … or `read_quick_sale` access scope."
      expect(entryClauses(at("MediaImage"))).toEqual([["read_products", "read_files", "read_themes", "read_orders", "read_draft_orders", "read_images", "read_quick_sale"]]);
      // "`write_products` access scope as well as any of `write_own_subscription_contracts`, `write_purchase_options` access scopes."
      expect(entryClauses(at("Mutation", "productJoinSellingPlanGroups"))).toEqual([["write_products"], ["write_own_subscription_contracts", "write_purchase_options"]]);
      // "`read_customers` access scope. Also: Requires `read_customer_payment_methods` scope."
      expect(entryClauses(at("CustomerPaymentMethod"))).toEqual([["read_customers"], ["read_customer_payment_methods"]]);
    });

    it("takes a mutation's write scope in place of the read scope, and reuses a held scope for an alternative", () => {
      expect(
        derive('mutation { productReorderMedia(id: "gid://shopify/Product/1", moves: []) { job { id } } } query { products(first: 1) { nodes { id media(first: 1) { nodes { ... on MediaImage { id } } } } } }'),
      ).toEqual(["write_products"]);
      expect(derive("query { files(first: 1) { nodes { ... on MediaImage { id } } } }")).toEqual(["read_files"]);
      expect(derive("query { productsCount { count } files(first: 1) { nodes { ... on MediaImage { id } } } }")).toEqual(["read_files", "read_products"]);
      expect(minimalScopes([["read_files", "read_products"], ["read_products"]])).toEqual(["read_products"]);
    });

    it("needs both scopes of a conjunction, and nothing for a document that touches no scoped type", () => {
      expect(derive('mutation { productJoinSellingPlanGroups(id: "gid://shopify/Product/1", sellingPlanGroupIds: []) { userErrors { message } } }')).toEqual([
        "write_own_subscription_contracts",
        "write_products",
      ]);
      expect(derive("query { shop { name } }")).toEqual([]);
    });
  });

  it("subscribes every topic Shotlane handles, each to its route file, named in the comment above it", () => {
    const subscriptions = webhookSubscriptions(toml);
    expect(subscriptions.flatMap((s) => s.topics).sort()).toEqual(
      [
        "app/scopes_update",
        "app/uninstalled",
        "bulk_operations/finish",
        "customers/data_request",
        "customers/redact",
        "products/create",
        "products/delete",
        "products/update",
        "shop/redact",
      ].sort(),
    );
    const compliance = toml.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []).sort();
    expect(compliance).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);

    const blocks = subscriptionBlocks(readFileSync(TOML_FILE, "utf8"));
    expect(blocks.length).toBe(subscriptions.length);
    for (const { topics, uri } of subscriptions) {
      expect(topics, `one topic per subscription at ${uri}`).toHaveLength(1);
      const [topic] = topics;
      const route = `app/routes/webhooks.${topic.replaceAll("/", ".")}.tsx`;
      expect(uri).toBe(`/webhooks/${topic}`);
      expect(existsSync(route), route).toBe(true);
      expect(blocks.find((b) => b.uri === uri)?.comment, `the comment above the ${topic} subscription`).toBe(route);
    }
  });
});
