import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLOW_TRIGGER_PAYLOAD_LIMIT_BYTES, loadFlowTriggerDefinitions, triggerDefinitionFromToml, triggerPayloadErrors, type FlowTriggerDefinition } from "./flow-triggers";
import type { Emulator } from "./server";
import { graphqlClient, SHOP, startTestEmulator } from "./test-support";

const RECEIVE = `mutation Receive($handle: String, $payload: JSON) { flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } } }`;

const definition: FlowTriggerDefinition = {
  handle: "visuals-approved",
  fields: [
    { type: "product_reference", key: "product_id" },
    { type: "number_decimal", key: "Asset count" },
    { type: "number_decimal", key: "Tier" },
  ],
};

describe("Flow trigger definitions and payload rules", () => {
  it("reads the app's flow_trigger extensions, reference fields under <resource>_id", () => {
    const definitions = loadFlowTriggerDefinitions();
    expect(definitions).toContainEqual(definition);
    // Action extensions are not triggers.
    expect(definitions.map((d) => d.handle)).not.toContain("send-to-production");
  });

  it("refuses a toml field Flow would refuse", () => {
    const toml = (field: string) => `[[extensions]]\nname = "T"\ntype = "flow_trigger"\nhandle = "t"\n[settings]\n[[settings.fields]]\n${field}\n`;
    expect(triggerDefinitionFromToml(toml('type = "number_decimal"\nkey = "Total"'))).toEqual({ handle: "t", fields: [{ type: "number_decimal", key: "Total" }] });
    expect(() => triggerDefinitionFromToml(toml('type = "number_integer"\nkey = "Total"'))).toThrow(/not a Flow trigger field type/);
    expect(() => triggerDefinitionFromToml(toml('type = "number_decimal"\nkey = "total_count"'))).toThrow(/letters and spaces/);
  });

  it("checks required fields, types, unknown keys, products and the 50 KB limit", () => {
    const products = new Set([8100000001]);
    const errors = (payload: unknown) => triggerPayloadErrors(definition, payload, (id) => products.has(id));
    expect(errors({ product_id: 8100000001, "Asset count": 3, Tier: 1 })).toEqual([]);
    expect(errors({ product_id: "8100000001", "Asset count": 3, Tier: 1 })).toEqual([]);
    expect(errors({ "Asset count": 3, Tier: 1 })).toEqual([{ field: ["payload", "product_id"], message: expect.stringMatching(/required/) }]);
    expect(errors({ product_id: "gid://shopify/Product/8100000001", "Asset count": 3, Tier: 1 })).toEqual([{ field: ["payload", "product_id"], message: expect.stringMatching(/numeric id of the product/) }]);
    expect(errors({ product_id: 42, "Asset count": 3, Tier: 1 })).toEqual([{ field: ["payload", "product_id"], message: expect.stringMatching(/not a product of this shop/) }]);
    expect(errors({ product_id: 8100000001, "Asset count": "3", Tier: 1 })).toEqual([{ field: ["payload", "Asset count"], message: expect.stringMatching(/must be a number/) }]);
    expect(errors({ product_id: 8100000001, "Asset count": 3, Tier: 1, asset_count: 3 })).toEqual([{ field: ["payload", "asset_count"], message: expect.stringMatching(/not a field of trigger visuals-approved/) }]);
    expect(errors([1, 2])).toEqual([{ field: ["payload"], message: expect.stringMatching(/JSON object/) }]);
    const big = { product_id: 8100000001, "Asset count": 3, Tier: 1, Note: "x".repeat(FLOW_TRIGGER_PAYLOAD_LIMIT_BYTES) };
    expect(errors(big)).toEqual([{ field: ["payload"], message: expect.stringMatching(/limit is 51200 bytes/) }]);
  });
});

describe("flowTriggerReceive over HTTP", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ productCount: 5 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("records an accepted trigger and answers userErrors for a bad one, recording nothing", async () => {
    const gql = graphqlClient(emulator);
    const productId = [...emulator.store.requireShop(SHOP).products.keys()][0];
    const ok = await gql(RECEIVE, { handle: "visuals-approved", payload: { product_id: productId, "Asset count": 2, Tier: 3 } });
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.flowTriggerReceive.userErrors).toEqual([]);

    const unknown = await gql(RECEIVE, { handle: "visuals-rejected", payload: { product_id: productId } });
    expect(unknown.body.data.flowTriggerReceive.userErrors).toEqual([{ field: ["handle"], message: expect.stringMatching(/No trigger with handle visuals-rejected.*visuals-approved/) }]);
    const missing = await gql(RECEIVE, { handle: "visuals-approved", payload: { product_id: productId, Tier: 3 } });
    expect(missing.body.data.flowTriggerReceive.userErrors).toEqual([{ field: ["payload", "Asset count"], message: expect.stringMatching(/required/) }]);

    const response = await fetch(`${emulator.url}/emulator/shops/${SHOP}/flow-triggers`);
    const { triggers } = (await response.json()) as { triggers: { handle: string; payload: unknown; receivedAt: string }[] };
    expect(triggers).toEqual([{ id: expect.any(Number), handle: "visuals-approved", payload: { product_id: productId, "Asset count": 2, Tier: 3 }, receivedAt: expect.any(String) }]);
    expect(emulator.flowTriggers.received(SHOP, "visuals-approved")).toHaveLength(1);
  });

  it("refuses the deprecated body argument", async () => {
    const gql = graphqlClient(emulator);
    const answer = await gql(`mutation { flowTriggerReceive(body: "{}") { userErrors { field message } } }`);
    // The schema marks `body` deprecated but still accepts it; Flow wants handle and payload.
    expect(answer.body.data.flowTriggerReceive.userErrors).toEqual([{ field: ["body"], message: expect.stringMatching(/deprecated/) }]);
  });
});
