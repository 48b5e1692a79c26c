import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSafeFetch } from "../../app/net/safe-fetch.server";
import { ProviderError } from "../../app/providers/provider";
import { downloadProviderOutput, providerRequest } from "../../app/providers/provider-http";

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/stall-body") {
      // Headers at once, then a body that never ends.
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":');
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("providerRequest transport failures", () => {
  it("turns a body that stalls past the timeout into a retryable timeout", async () => {
    const error = await caught(providerRequest("fashn", { fetch, timeoutMs: 300 }, { url: `${origin}/stall-body` }));
    expect(error.code).toBe("timeout");
    expect(error.retryable).toBe(true);
  });

  it("answers normally when the body arrives", async () => {
    await expect(providerRequest("fashn", { fetch, timeoutMs: 2000 }, { url: `${origin}/ok` })).resolves.toMatchObject({ status: 200, body: { ok: true } });
  });

  it("does not retry a URL the fetch policy refuses (a private address)", async () => {
    const safeFetch = createSafeFetch({ maxBytes: 1_000_000, timeoutMs: 2000 });
    const error = await caught(providerRequest("comfyui", { fetch: safeFetch }, { url: `${origin}/ok` }));
    expect(error.code).toBe("invalid_input");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/fetch policy/);
  });

  it("does not retry an output download over the size limit, and allows the same origin when it is on the allow-list", async () => {
    const tiny = createSafeFetch({ maxBytes: 4, timeoutMs: 2000, allowOrigins: [origin] });
    const error = await caught(downloadProviderOutput("fal", { fetch: tiny }, { kind: "url", url: `${origin}/ok` }));
    expect(error.code).toBe("invalid_input");
    expect(error.retryable).toBe(false);
    const roomy = createSafeFetch({ maxBytes: 1000, timeoutMs: 2000, allowOrigins: [origin] });
    await expect(downloadProviderOutput("fal", { fetch: roomy }, { kind: "url", url: `${origin}/ok` })).resolves.toMatchObject({ contentType: "application/json" });
  });
});
