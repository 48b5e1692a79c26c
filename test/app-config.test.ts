import { existsSync, readFileSync } from "node:fs";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchemaPath, loadAdminSchema, loadOfflineScopes } from "../emulator/admin-schema";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { readAppToml, webhookSubscriptions } from "../scripts/lib/app-toml";
import { appGraphqlDocuments } from "./support/graphql-documents";
import { minimalScopes, scopeRequirements } from "./support/scopes";

describe("shopify.app.toml", () => {
  const toml = readAppToml();

  it("uses the one Admin API version the app, the emulator and the schema check use", () => {
    expect(ADMIN_API_VERSION).toBe("2026-10");
    expect(toml.webhooks.api_version).toBe(ADMIN_API_VERSION);
    expect(adminSchemaPath()).toMatch(new RegExp(`admin_${ADMIN_API_VERSION}\\.json\\.gz$`));
  });

  it("declares exactly the access scopes the app's GraphQL documents need", async () => {
    const schema = loadAdminSchema();
    const table = loadOfflineScopes();
    const requirements = (await appGraphqlDocuments()).flatMap((d) => scopeRequirements(schema, parse(d.source), table));
    expect(requirements.length).toBeGreaterThan(0);
    const declared = toml.access_scopes.scopes.split(",").map((s) => s.trim()).sort();
    expect(declared).toEqual(minimalScopes(requirements));
  });

  it("derives scopes correctly: a mutation needing write_products replaces read_products; alternatives reuse held scopes", () => {
    const schema = loadAdminSchema();
    const table = loadOfflineScopes();
    const doc = parse('mutation { productReorderMedia(id: "gid://shopify/Product/1", moves: []) { job { id } } } query { products(first: 1) { nodes { id media(first: 1) { nodes { ... on MediaImage { id } } } } } }');
    expect(minimalScopes(scopeRequirements(schema, doc, table))).toEqual(["write_products"]);
    expect(minimalScopes([["read_files", "read_products"], ["read_products"]])).toEqual(["read_products"]);
  });

  it("subscribes every topic Shotlane handles, each to an existing route named in a comment", () => {
    const subscriptions = webhookSubscriptions(toml);
    const topics = subscriptions.flatMap((s) => s.topics).sort();
    expect(topics).toEqual(
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
    const text = readFileSync("shopify.app.toml", "utf8");
    for (const { topics: [topic], uri } of subscriptions) {
      const route = `app/routes/webhooks.${topic.replace("/", ".")}.tsx`;
      expect(uri).toBe(`/webhooks/${topic}`);
      expect(existsSync(route), route).toBe(true);
      expect(text, `a comment naming ${route}`).toContain(`# ${route}`);
    }
  });
});
