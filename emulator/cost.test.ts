import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "./admin-schema";
import { actualQueryCost, refill, requestedQueryCost } from "./cost";

function costs(query: string, variables: Record<string, unknown> = {}, data?: unknown) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const requested = requestedQueryCost(loadAdminSchema(), operation, fragments, variables);
  return { requested, actual: data === undefined ? undefined : actualQueryCost(loadAdminSchema(), operation, fragments, data, requested) };
}

describe("query cost", () => {
  it("prices scalars at 0, objects at 1 and connections at 2 + page size × node cost", () => {
    expect(costs("{ shop { name } }").requested).toBe(1);
    expect(costs("{ products(first: 10) { nodes { id title } } }").requested).toBe(2 + 10 * 1);
    expect(costs("query($n: Int!) { products(first: $n) { nodes { id priceRangeV2 { minVariantPrice { amount } } } } }", { n: 5 }).requested).toBe(2 + 5 * 3);
    expect(costs("{ products(first: 2) { edges { node { variants(first: 3) { nodes { id } } } } pageInfo { hasNextPage } } }").requested).toBe(2 + 2 * (1 + 2 + 3));
  });
  it("prices a mutation's root field at 10", () => {
    expect(costs("mutation { fileDelete(fileIds: []) { deletedFileIds } }").requested).toBe(10);
  });
  it("charges what was returned, never more than requested", () => {
    const query = "{ products(first: 10) { nodes { id } } }";
    expect(costs(query, {}, { products: { nodes: [{ id: "a" }, { id: "b" }] } }).actual).toBe(2 + 2);
    expect(costs(query, {}, { products: { nodes: Array.from({ length: 10 }, () => ({ id: "x" })) } }).actual).toBe(12);
  });
});

describe("leaky bucket", () => {
  it("refills at the restore rate up to the maximum", () => {
    const bucket = { maximumAvailable: 1000, restoreRate: 100, currentlyAvailable: 0, updatedAt: 0 };
    expect(refill(bucket, 2500).currentlyAvailable).toBe(250);
    expect(refill(bucket, 60_000).currentlyAvailable).toBe(1000);
  });
});
