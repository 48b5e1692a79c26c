import { describe, expect, it } from "vitest";
import { connection } from "./connection";

const items = Array.from({ length: 10 }, (_, i) => ({ id: (i + 1) * 10 }));
const page = (args: Parameters<typeof connection>[1], list = items) => connection(list, args, { keyOf: (item) => String(item.id), toNode: (item) => item.id });

describe("Relay connection", () => {
  it("pages forward with after and backward with before", () => {
    const first = page({ first: 4 });
    expect(first.nodes).toEqual([10, 20, 30, 40]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = page({ first: 4, after: first.pageInfo.endCursor });
    expect(second.nodes).toEqual([50, 60, 70, 80]);
    const last = page({ first: 4, after: second.pageInfo.endCursor });
    expect(last.nodes).toEqual([90, 100]);
    expect(last.pageInfo.hasNextPage).toBe(false);
    const back = page({ last: 3, before: last.pageInfo.startCursor });
    expect(back.nodes).toEqual([60, 70, 80]);
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it("reverses, and edges carry opaque cursors", () => {
    const reversed = page({ first: 2, reverse: true });
    expect(reversed.nodes).toEqual([100, 90]);
    expect(reversed.edges[0].cursor).not.toContain("100");
  });

  it("continues after a cursor whose item was deleted", () => {
    const cursor = page({ first: 3 }).pageInfo.endCursor!;
    const withoutThirty = items.filter((item) => item.id !== 30);
    expect(page({ first: 2, after: cursor }, withoutThirty).nodes).toEqual([40, 50]);
  });

  it("requires first or last, at most 250, and a cursor it issued", () => {
    expect(() => page({})).toThrow(/first or last/);
    expect(() => page({ first: 251 })).toThrow(/between 0 and 250/);
    expect(() => page({ first: 1, after: "bm90LWEtY3Vyc29y" })).toThrow(/Invalid cursor/);
  });

  it("builds nodes only for the page", () => {
    let built = 0;
    connection(items, { first: 2 }, { keyOf: (item) => String(item.id), toNode: (item) => (built++, item) });
    expect(built).toBe(2);
  });
});
