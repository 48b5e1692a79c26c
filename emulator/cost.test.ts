import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "./admin-schema";
import { actualQueryCost, requestedQueryCost } from "./cost";

function costs(query: string, variables: Record<string, unknown> = {}, data?: unknown) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const input = { schema: loadAdminSchema(), operation, fragments };
  const requested = requestedQueryCost(input, variables);
  return { requested, actual: data === undefined ? undefined : actualQueryCost(input, data, requested) };
}

describe("requested query cost", () => {
  it("prices scalars at 0, objects at 1 and connections at 2 + page size × node cost", () => {
    expect(costs("{ shop { name } }").requested).toBe(1);
    expect(costs("{ products(first: 10) { nodes { id title } } }").requested).toBe(2 + 10 * 1);
    expect(costs("query($n: Int!) { products(first: $n) { nodes { id priceRangeV2 { minVariantPrice { amount } } } } }", { n: 5 }).requested).toBe(2 + 5 * 3);
    expect(costs("{ products(last: 4) { nodes { id } } }").requested).toBe(2 + 4);
  });

  it("does not charge for pageInfo or the edge wrappers, and prices nested connections per node", () => {
    expect(costs("{ products(first: 2) { edges { cursor node { variants(first: 3) { nodes { id } } } } pageInfo { hasNextPage } } }").requested).toBe(2 + 2 * (1 + 2 + 3));
  });

  it("expands fragments and counts the dearest branch of an interface", () => {
    const query = `
      fragment Media on Media { id alt }
      { product(id: "gid://shopify/Product/1") {
          media(first: 10) { nodes { ...Media ... on MediaImage { image { url } } ... on Video { sources { url } preview { image { url } } } } }
      } }`;
    // product 1 + media connection 2 + 10 × (node 1 + Video branch: sources 1 + preview 1 + image 1)
    expect(costs(query).requested).toBe(1 + 2 + 10 * 4);
  });

  it("prices a mutation's root field at 10, plus what its payload selects", () => {
    expect(costs("mutation { fileDelete(fileIds: []) { deletedFileIds } }").requested).toBe(10);
    expect(costs('mutation { productUpdate(product: { id: "x" }) { product { id } userErrors { message } } }').requested).toBe(10 + 1 + 1);
  });
});

describe("actual query cost", () => {
  it("charges for the nodes returned, never more than requested", () => {
    const query = "{ products(first: 10) { nodes { id } } }";
    expect(costs(query, {}, { products: { nodes: [{ id: "a" }, { id: "b" }] } }).actual).toBe(2 + 2);
    expect(costs(query, {}, { products: { nodes: Array.from({ length: 10 }, () => ({ id: "x" })) } }).actual).toBe(12);
  });

  it("counts a node once when both edges and nodes list it, and nothing for a null object", () => {
    const query = "{ products(first: 10) { edges { node { id } } nodes { id } } product(id: \"x\") { id } }";
    expect(costs(query, {}, { products: { edges: [{ node: { id: "a" } }], nodes: [{ id: "a" }] }, product: null }).actual).toBe(2 + 1);
  });
});
