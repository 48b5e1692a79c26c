import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createSafeFetch, downloadToBuffer, pinnedLookup, RemoteFetchError, type ResolveHost, type SafeFetchPolicy } from "~/net/safe-fetch.server";

// Every server here listens on loopback; names other than "localhost" are
// resolved only by injected lookups, so no test ever sends a packet elsewhere.

interface TestServer {
  origin: string;
  port: number;
  requests: http.IncomingMessage[];
  bodies: string[];
}

const servers: http.Server[] = [];

async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, server: TestServer) => void, host = "127.0.0.1"): Promise<TestServer> {
  const state: TestServer = { origin: "", port: 0, requests: [], bodies: [] };
  const server = http.createServer((req, res) => {
    state.requests.push(req);
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      state.bodies.push(body);
      handler(req, res, state);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://${host}:${state.port}`;
  return state;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const LIMITS = { maxBytes: 1024, timeoutMs: 2_000 } satisfies SafeFetchPolicy;

async function refusal(promise: Promise<unknown>): Promise<RemoteFetchError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RemoteFetchError);
  return error as RemoteFetchError;
}

const hello = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("hello");
};

/** A resolver that must never be consulted: proves a refusal happened before DNS. */
const noDns: ResolveHost = () => {
  throw new Error("DNS must not be consulted");
};

describe("safe fetch: who may be reached", () => {
  it("refuses loopback by default, before any connection", async () => {
    const server = await startServer(hello);
    const safeFetch = createSafeFetch({ ...LIMITS, lookup: noDns });

    const overHttps = await refusal(safeFetch(`https://127.0.0.1:${server.port}/`));
    expect(overHttps.code).toBe("forbidden_address");
    expect(overHttps.message).toContain("127.0.0.1");
    expect(overHttps.message).toContain("loopback");

    expect((await refusal(safeFetch(`https://[::1]:${server.port}/`))).code).toBe("forbidden_address");
    expect((await refusal(safeFetch(`https://[::ffff:127.0.0.1]:${server.port}/`))).code).toBe("forbidden_address");
    // The URL parser turns these spellings into 127.0.0.1 before we look.
    expect((await refusal(safeFetch(`https://0x7f.1:${server.port}/`))).code).toBe("forbidden_address");
    expect((await refusal(safeFetch(`https://2130706433:${server.port}/`))).code).toBe("forbidden_address");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses http and other schemes for hosts not on the allow-list", async () => {
    const server = await startServer(hello);
    const safeFetch = createSafeFetch({ ...LIMITS, allowOrigins: ["http://127.0.0.1:1"], lookup: noDns });
    const plain = await refusal(safeFetch(`${server.origin}/`));
    expect(plain.code).toBe("forbidden_scheme");
    expect(plain.message).toContain(`127.0.0.1:${server.port}`);
    expect((await refusal(safeFetch("file:///etc/passwd"))).code).toBe("forbidden_scheme");
    expect((await refusal(safeFetch("ftp://files.example.test/a.png"))).code).toBe("forbidden_scheme");
    expect((await refusal(safeFetch("not a url"))).code).toBe("forbidden_scheme");
    expect(server.requests).toHaveLength(0);
  });

  it("reaches an allow-listed origin, over http, with the body, status, headers and final URL", async () => {
    const server = await startServer((req, res, state) => {
      res.writeHead(201, { "content-type": "application/json", "x-seen-method": req.method ?? "" });
      res.end(JSON.stringify({ got: state.bodies.at(-1), type: req.headers["content-type"] }));
    });
    // A trailing slash in the configured origin still matches.
    const safeFetch = createSafeFetch({ ...LIMITS, allowOrigins: [`${server.origin}/`] });
    const response = await safeFetch(`${server.origin}/jobs?x=1`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ a: 1 }) });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-seen-method")).toBe("POST");
    expect(response.url).toBe(`${server.origin}/jobs?x=1`);
    expect(await response.json()).toEqual({ got: '{"a":1}', type: "application/json" });
    expect(server.requests[0].url).toBe("/jobs?x=1");
  });

  it("serialises FormData bodies with their multipart content type", async () => {
    const server = await startServer((req, res, state) => {
      res.end(JSON.stringify({ type: req.headers["content-type"], body: state.bodies.at(-1) }));
    });
    const safeFetch = createSafeFetch({ ...LIMITS, allowOrigins: [server.origin] });
    const form = new FormData();
    form.set("prompt", "red dress");
    const echoed = (await (await safeFetch(`${server.origin}/`, { method: "POST", body: form })).json()) as { type: string; body: string };
    expect(echoed.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(echoed.body).toContain("red dress");
  });

  it("downloadToBuffer returns the bytes, content type and final URL", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "image/png" });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    });
    const file = await downloadToBuffer(`${server.origin}/result.png`, { ...LIMITS, allowOrigins: [server.origin] });
    expect([...file.bytes]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(file.contentType).toBe("image/png");
    expect(file.finalUrl).toBe(`${server.origin}/result.png`);
  });

  it("refuses a host whose DNS answers include any non-public address, naming host and address", async () => {
    const asked: string[] = [];
    const lookup: ResolveHost = async (hostname) => {
      asked.push(hostname);
      if (hostname === "metadata.example.test") return [{ address: "169.254.169.254", family: 4 }];
      if (hostname === "mixed.example.test") return [{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.5", family: 4 }];
      if (hostname === "v6.example.test") return [{ address: "fd00::1", family: 6 }];
      if (hostname === "mapped.example.test") return [{ address: "::ffff:192.168.1.1", family: 6 }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    };
    const safeFetch = createSafeFetch({ ...LIMITS, lookup });

    const metadata = await refusal(safeFetch("https://metadata.example.test/latest/meta-data/"));
    expect(metadata.code).toBe("forbidden_address");
    expect(metadata.host).toBe("metadata.example.test");
    expect(metadata.message).toBe("metadata.example.test refused: it resolves to 169.254.169.254 (link-local); only public addresses may be fetched");
    expect((await refusal(safeFetch("https://mixed.example.test/"))).message).toContain("10.0.0.5 (private)");
    expect((await refusal(safeFetch("https://v6.example.test/"))).code).toBe("forbidden_address");
    expect((await refusal(safeFetch("https://mapped.example.test/"))).message).toContain("IPv4-mapped private");

    const unknown = await refusal(safeFetch("https://nowhere.example.test/"));
    expect(unknown.code).toBe("network");
    expect(unknown.message).toContain("nowhere.example.test could not be resolved");
    expect(asked).toEqual(["metadata.example.test", "mixed.example.test", "v6.example.test", "mapped.example.test", "nowhere.example.test"]);
  });

  it("connects to the address it vetted, never to a fresh DNS answer", async () => {
    // The server listens on 127.0.0.2; the system resolver says localhost is 127.0.0.1, where nothing listens.
    // Reaching the server proves the socket used the injected (vetted) answer, resolved exactly once.
    const server = await startServer(hello, "127.0.0.2");
    let lookups = 0;
    const lookup: ResolveHost = async () => {
      lookups += 1;
      return [{ address: "127.0.0.2", family: 4 }];
    };
    const safeFetch = createSafeFetch({ ...LIMITS, allowOrigins: [`http://localhost:${server.port}`], lookup });
    const response = await safeFetch(`http://localhost:${server.port}/`);
    expect(await response.text()).toBe("hello");
    expect(lookups).toBe(1);
    expect(server.requests[0].headers.host).toBe(`localhost:${server.port}`);
  });

  it("pinnedLookup answers every question with the vetted addresses", () => {
    const lookup = pinnedLookup([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:2800:220:1::1", family: 6 },
    ]);
    const answers: unknown[] = [];
    lookup("rebound.example.test", { all: true }, (_error, address) => answers.push(address));
    lookup("rebound.example.test", {}, (_error, address, family) => answers.push([address, family]));
    lookup("rebound.example.test", { family: 6 }, (_error, address, family) => answers.push([address, family]));
    expect(answers).toEqual([
      [
        { address: "93.184.216.34", family: 4 },
        { address: "2606:2800:220:1::1", family: 6 },
      ],
      ["93.184.216.34", 4],
      ["2606:2800:220:1::1", 6],
    ]);
  });
});

describe("safe fetch: limits", () => {
  it("refuses a Content-Length above maxBytes, naming host and limit", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": "5000" });
      res.end(Buffer.alloc(5000));
    });
    const error = await refusal(downloadToBuffer(`${server.origin}/big`, { ...LIMITS, allowOrigins: [server.origin] }));
    expect(error.code).toBe("too_large");
    expect(error.message).toBe("127.0.0.1 announced 5000 bytes, more than the 1024-byte limit");
  });

  it("aborts a streamed body without Content-Length once it passes maxBytes", async () => {
    let written = 0;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      // Keeps streaming far beyond the limit; the client must stop reading, not wait for the end.
      const timer = setInterval(() => {
        written += 512;
        if (!res.write(Buffer.alloc(512)) && written > 1_000_000) clearInterval(timer);
      }, 1);
      res.on("close", () => clearInterval(timer));
    });
    const error = await refusal(createSafeFetch({ ...LIMITS, allowOrigins: [server.origin] })(`${server.origin}/stream`));
    expect(error.code).toBe("too_large");
    expect(error.message).toBe("127.0.0.1 sent more than the 1024-byte limit");
    expect(written).toBeLessThan(100_000);
  });

  it("accepts a body of exactly maxBytes", async () => {
    const server = await startServer((_req, res) => {
      res.write(Buffer.alloc(1000));
      res.end(Buffer.alloc(24));
    });
    const file = await downloadToBuffer(`${server.origin}/`, { ...LIMITS, allowOrigins: [server.origin] });
    expect(file.bytes.length).toBe(1024);
  });

  it("times out a server that never answers", async () => {
    const server = await startServer(() => {
      // Never responds.
    });
    const started = Date.now();
    const error = await refusal(createSafeFetch({ maxBytes: 1024, timeoutMs: 200, allowOrigins: [server.origin] })(`${server.origin}/`));
    expect(error.code).toBe("timeout");
    expect(error.message).toBe("127.0.0.1 did not finish within the 200 ms limit");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("times out a server that sends headers and then stalls the body", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
    });
    const error = await refusal(downloadToBuffer(`${server.origin}/`, { maxBytes: 1024, timeoutMs: 200, allowOrigins: [server.origin] }));
    expect(error.code).toBe("timeout");
  });

  it("keeps a caller's own abort reason, as fetch does (provider-http relies on TimeoutError)", async () => {
    const server = await startServer(() => {
      // Never responds.
    });
    const safeFetch = createSafeFetch({ maxBytes: 1024, timeoutMs: 5_000, allowOrigins: [server.origin] });
    const error = await safeFetch(`${server.origin}/`, { signal: AbortSignal.timeout(100) }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("TimeoutError");
  });

  it("reports non-2xx from downloadToBuffer as http_status, and returns it from fetch", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(404, "Not Found");
      res.end("gone");
    });
    const policy = { ...LIMITS, allowOrigins: [server.origin] };
    const error = await refusal(downloadToBuffer(`${server.origin}/expired.png`, policy));
    expect(error.code).toBe("http_status");
    expect(error.status).toBe(404);
    expect(error.message).toBe("127.0.0.1 answered 404 Not Found");
    const response = await createSafeFetch(policy)(`${server.origin}/expired.png`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("gone");
  });
});

describe("safe fetch: redirects", () => {
  it("follows redirects within the limit and reports the final URL", async () => {
    const server = await startServer((req, res) => {
      if (req.url === "/a") res.writeHead(302, { location: "/b" }).end();
      else if (req.url === "/b") res.writeHead(301, { location: "/c" }).end();
      else hello(req, res);
    });
    const file = await downloadToBuffer(`${server.origin}/a`, { ...LIMITS, maxRedirects: 2, allowOrigins: [server.origin] });
    expect(file.bytes.toString()).toBe("hello");
    expect(file.finalUrl).toBe(`${server.origin}/c`);
  });

  it("refuses a redirect to a forbidden address before connecting to it", async () => {
    const inner = await startServer(hello);
    const targets = [`https://169.254.169.254/latest/meta-data/`, `http://127.0.0.1:${inner.port}/admin`, `https://internal.example.test/`, `https://[::1]:${inner.port}/`];
    const outer = await startServer((req, res) => {
      const index = Number(req.url?.slice(1));
      res.writeHead(302, { location: targets[index] }).end();
    });
    const lookup: ResolveHost = async () => [{ address: "192.168.0.10", family: 4 }];
    const safeFetch = createSafeFetch({ ...LIMITS, allowOrigins: [outer.origin], lookup });

    expect((await refusal(safeFetch(`${outer.origin}/0`))).message).toContain("169.254.169.254 (link-local)");
    const scheme = await refusal(safeFetch(`${outer.origin}/1`));
    expect(scheme.code).toBe("forbidden_scheme");
    expect((await refusal(safeFetch(`${outer.origin}/2`))).message).toBe("internal.example.test refused: it resolves to 192.168.0.10 (private); only public addresses may be fetched");
    expect((await refusal(safeFetch(`${outer.origin}/3`))).code).toBe("forbidden_address");
    expect(inner.requests).toHaveLength(0);
  });

  it("stops an endless redirect chain at maxRedirects", async () => {
    const server = await startServer((req, res) => {
      const n = Number(req.url?.split("/").at(-1));
      res.writeHead(302, { location: `/hop/${n + 1}` }).end();
    });
    const error = await refusal(downloadToBuffer(`${server.origin}/hop/0`, { ...LIMITS, maxRedirects: 3, allowOrigins: [server.origin] }));
    expect(error.code).toBe("too_many_redirects");
    expect(error.message).toBe(`127.0.0.1 redirected more than 3 times (last hop 127.0.0.1:${server.port})`);
    // The original request and three followed hops; the fourth redirect is not followed.
    expect(server.requests.map((req) => req.url)).toEqual(["/hop/0", "/hop/1", "/hop/2", "/hop/3"]);
  });

  it("turns POST into GET on 303 and drops credentials when the origin changes", async () => {
    const target = await startServer((req, res, state) => {
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null, body: state.bodies.at(-1) }));
    });
    const origin = await startServer((_req, res) => {
      res.writeHead(303, { location: `${target.origin}/result` }).end();
    });
    const safeFetch = createSafeFetch({ ...LIMITS, allowOrigins: [origin.origin, target.origin] });
    const response = await safeFetch(`${origin.origin}/submit`, { method: "POST", headers: { authorization: "Key secret" }, body: "payload" });
    expect(await response.json()).toEqual({ method: "GET", auth: null, body: "" });
    expect(origin.requests[0].headers.authorization).toBe("Key secret");
  });

  it("returns the 3xx itself with redirect: manual", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location: "https://10.0.0.1/" }).end();
    });
    const response = await createSafeFetch({ ...LIMITS, allowOrigins: [server.origin] })(`${server.origin}/`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://10.0.0.1/");
  });
});

describe("safe fetch: policy", () => {
  it("rejects a policy without sane limits", () => {
    expect(() => createSafeFetch({ maxBytes: 0, timeoutMs: 1000 })).toThrow();
    expect(() => createSafeFetch({ maxBytes: 10, timeoutMs: -1 })).toThrow();
    expect(() => createSafeFetch({ maxBytes: 10, timeoutMs: 10, allowOrigins: ["not an origin"] })).toThrow();
  });
});
