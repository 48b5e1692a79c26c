import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { env } from "../../app/config/env";
import { deleteProviderCredential, listProviderCredentials, loadProviderConfig, saveProviderCredential } from "../../app/credentials/credentials.server";
import { SecretBoxError } from "../../app/credentials/secret-box.server";
import prisma from "../../app/db.server";
import { RemoteFetchError } from "../../app/net/safe-fetch.server";
import { demoProviderAllowed, fetchAllowOrigins, providerFetch, providerForShop, ProviderNotConfiguredError } from "../../app/providers/registry.server";
import { loadSettingsPage, submitSettingsForm } from "../../app/settings/settings-page.server";
import { monthSpendMicros } from "../../app/settings/spend.server";
import { startComfyuiDouble, type ComfyuiDouble } from "../doubles/comfyui-double";
import { startFashnDouble, type FashnDouble } from "../doubles/fashn-double";
import { startReplicateDouble, type ReplicateDouble } from "../doubles/replicate-double";

const SHOP = "credentials-a.myshopify.com";
const OTHER_SHOP = "credentials-b.myshopify.com";
const ACTOR = "user:42";

let fashn: FashnDouble;
let replicate: ReplicateDouble;
let comfyui: ComfyuiDouble;
/** A provider that echoes the Authorization header in its error body: what a careless API might do. */
let echo: { url: string; server: http.Server };
/** Every secret a test handed to the code; none may show up in logs, errors, audit rows or page data. */
const secrets = new Set<string>();

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

function expectNoSecret(what: string, value: unknown): void {
  const text = typeof value === "string" ? value : inspect(value, { depth: 20 });
  for (const secret of secrets) expect(text.includes(secret), `${what} contains a secret`).toBe(false);
}

async function thrown(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expectNoSecret("thrown error", `${(error as Error).message} ${(error as Error).stack}`);
    return error as Error;
  }
  throw new Error("expected a throw");
}

const consoleSpies: MockInstance[] = [];

beforeAll(async () => {
  [fashn, replicate, comfyui] = await Promise.all([startFashnDouble(), startReplicateDouble(), startComfyuiDouble()]);
  const server = http.createServer((req, res) => {
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "InternalServerError", message: `could not use ${req.headers.authorization}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  echo = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  // The doubles run on loopback http: only the allow-list lets the policy-enforcing fetch reach them.
  process.env.SHOTLANE_FETCH_ALLOW_ORIGINS = [fashn.url, replicate.url, comfyui.url, echo.url].map((url) => new URL(url).origin).join(",");
  expect(fetchAllowOrigins(env()), "env() was parsed before the doubles' origins were set").toContain(new URL(fashn.url).origin);
  for (const secret of [fashn.apiKey, replicate.apiKey, replicate.webhookSecret, comfyui.apiKey]) secrets.add(secret);
});

afterAll(async () => {
  await Promise.all([fashn?.close(), replicate?.close(), comfyui?.close(), new Promise<void>((resolve) => (echo ? echo.server.close(() => resolve()) : resolve()))]);
});

beforeEach(() => {
  // Pass-through spies: output still appears (and console.error still fails the test), and is checked for secrets.
  for (const method of ["log", "info", "warn", "error", "debug"] as const) consoleSpies.push(vi.spyOn(console, method));
});

afterEach(() => {
  for (const spy of consoleSpies.splice(0)) {
    expectNoSecret("console output", spy.mock.calls);
    spy.mockRestore();
  }
});

describe("provider credentials, registry and Settings (PostgreSQL, provider doubles over HTTP)", () => {
  it("stores the key encrypted, lists it masked, round-trips the config and audits without the key", async () => {
    const saved = await saveProviderCredential(prisma, SHOP, { provider: "fashn", apiKey: ` ${fashn.apiKey} `, baseUrl: fashn.url }, ACTOR, { httpAllowedOrigins: new Set(fetchAllowOrigins(env())) });
    expect(saved).toMatchObject({ ok: true, credential: { provider: "fashn", keyHint: fashn.apiKey.slice(-4), hasKey: true, baseUrl: fashn.url } });

    const row = await prisma.providerCredential.findUniqueOrThrow({ where: { shopId_provider: { shopId: SHOP, provider: "fashn" } } });
    expect(row.encryptedApiKey).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expectNoSecret("the credential row", row);
    expect(row.keyHint).toBe(fashn.apiKey.slice(-4));

    const listed = await listProviderCredentials(prisma, SHOP);
    expect(listed).toEqual([expect.objectContaining({ provider: "fashn", keyHint: fashn.apiKey.slice(-4), hasKey: true, baseUrl: fashn.url, hasWebhookSecret: false, lastTestOk: null })]);
    expectNoSecret("the masked list", listed);
    expect(Object.keys(listed[0]).sort()).toEqual(["baseUrl", "hasKey", "hasWebhookSecret", "keyHint", "lastTestMessage", "lastTestOk", "lastTestedAt", "provider", "updatedAt"]);

    expect(await loadProviderConfig(prisma, SHOP, "fashn")).toEqual({ baseUrl: fashn.url, apiKey: fashn.apiKey });

    // An update with the key field left empty keeps the key; an emptied base URL means the production API.
    expect((await saveProviderCredential(prisma, SHOP, { provider: "fashn", apiKey: "", baseUrl: "" }, ACTOR)).ok).toBe(true);
    expect(await loadProviderConfig(prisma, SHOP, "fashn")).toEqual({ baseUrl: "https://api.fashn.ai/v1", apiKey: fashn.apiKey });
    await saveProviderCredential(prisma, SHOP, { provider: "fashn", baseUrl: fashn.url }, ACTOR, { httpAllowedOrigins: new Set(fetchAllowOrigins(env())) });

    const audit = await prisma.auditEvent.findMany({ where: { shopId: SHOP, subjectType: "ProviderCredential" }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => [a.action, a.actor, a.subjectId])).toEqual([
      ["provider.credential.added", ACTOR, "fashn"],
      ["provider.credential.updated", ACTOR, "fashn"],
      ["provider.credential.updated", ACTOR, "fashn"],
    ]);
    expect(audit[0].data).toMatchObject({ provider: "fashn", keyHint: fashn.apiKey.slice(-4), keyChanged: true });
    expect(audit[1].data).toMatchObject({ keyChanged: false, baseUrl: null });
    expectNoSecret("audit rows", audit);
  });

  it("refuses a ciphertext copied onto another shop's row, with an error that names no secret", async () => {
    const source = await prisma.providerCredential.findUniqueOrThrow({ where: { shopId_provider: { shopId: SHOP, provider: "fashn" } } });
    await prisma.shop.upsert({ where: { id: OTHER_SHOP }, create: { id: OTHER_SHOP }, update: {} });
    await prisma.providerCredential.create({ data: { shopId: OTHER_SHOP, provider: "fashn", baseUrl: fashn.url, encryptedApiKey: source.encryptedApiKey, keyHint: source.keyHint } });
    const error = await thrown(() => loadProviderConfig(prisma, OTHER_SHOP, "fashn"));
    expect(error).toBeInstanceOf(SecretBoxError);
    expect(error.message).toMatch(/belongs to another shop or provider.*enter the key again in Settings/);
    await thrown(() => providerForShop(prisma, OTHER_SHOP, "fashn"));

    // Through the Settings page the failure is stored and shown, not thrown.
    const result = await submitSettingsForm(OTHER_SHOP, form({ intent: "test", provider: "fashn" }), ACTOR);
    expect(result).toMatchObject({ intent: "test", provider: "fashn", ok: false, message: expect.stringMatching(/could not be decrypted/) });
    await prisma.providerCredential.delete({ where: { shopId_provider: { shopId: OTHER_SHOP, provider: "fashn" } } });
  });

  it("tests the connection through providerForShop against the FASHN double: the right key passes, a wrong one fails and the stored result flips", async () => {
    const provider = await providerForShop(prisma, SHOP, "fashn");
    expect(provider.id).toBe("fashn");
    expect(await provider.testConnection()).toEqual({ ok: true });
    expect(fashn.calls.at(-1)).toMatchObject({ method: "GET", authorization: `Bearer ${fashn.apiKey}` });

    expect(await submitSettingsForm(SHOP, form({ intent: "test", provider: "fashn" }), ACTOR)).toEqual({ intent: "test", provider: "fashn", ok: true, message: "FASHN accepted the key: the connection works." });
    let row = await prisma.providerCredential.findUniqueOrThrow({ where: { shopId_provider: { shopId: SHOP, provider: "fashn" } } });
    expect([row.lastTestOk, row.lastTestMessage, row.lastTestedAt instanceof Date]).toEqual([true, null, true]);

    const wrongKey = "fa-wrong-key-0000000000";
    secrets.add(wrongKey);
    expect(await submitSettingsForm(SHOP, form({ intent: "save", provider: "fashn", apiKey: wrongKey, baseUrl: fashn.url }), ACTOR)).toMatchObject({ ok: true });
    row = await prisma.providerCredential.findUniqueOrThrow({ where: { shopId_provider: { shopId: SHOP, provider: "fashn" } } });
    expect(row.lastTestOk).toBeNull(); // a new key clears the old key's result
    const failed = await submitSettingsForm(SHOP, form({ intent: "test", provider: "fashn" }), ACTOR);
    expect(failed).toEqual({ intent: "test", provider: "fashn", ok: false, message: "FASHN rejected the API key: check it in Settings" });
    row = await prisma.providerCredential.findUniqueOrThrow({ where: { shopId_provider: { shopId: SHOP, provider: "fashn" } } });
    expect([row.lastTestOk, row.lastTestMessage]).toEqual([false, "FASHN rejected the API key: check it in Settings"]);

    expect(await submitSettingsForm(SHOP, form({ intent: "save", provider: "fashn", apiKey: fashn.apiKey, baseUrl: fashn.url }), ACTOR)).toMatchObject({ ok: true });
    expect(await submitSettingsForm(SHOP, form({ intent: "test", provider: "fashn" }), ACTOR)).toMatchObject({ ok: true });
  });

  it("blanks a key a provider echoes back before storing or showing the test message", async () => {
    const key = "fa-echo-secret-1234567890";
    secrets.add(key);
    expect(await submitSettingsForm(OTHER_SHOP, form({ intent: "save", provider: "fashn", apiKey: key, baseUrl: echo.url }), ACTOR)).toMatchObject({ ok: true });
    const result = await submitSettingsForm(OTHER_SHOP, form({ intent: "test", provider: "fashn" }), ACTOR);
    expect(result.ok).toBe(false);
    expect(result.message).toContain("Bearer ••••");
    const row = await prisma.providerCredential.findUniqueOrThrow({ where: { shopId_provider: { shopId: OTHER_SHOP, provider: "fashn" } } });
    expect(row.lastTestMessage).toContain("Bearer ••••");
    expectNoSecret("the stored test message", row.lastTestMessage);
    expect(await deleteProviderCredential(prisma, OTHER_SHOP, "fashn", ACTOR)).toBe(true);
    expect(await deleteProviderCredential(prisma, OTHER_SHOP, "fashn", ACTOR)).toBe(false);
    expect(await prisma.auditEvent.count({ where: { shopId: OTHER_SHOP, action: "provider.credential.removed" } })).toBe(1);
  });

  it("keeps Replicate's webhook secret encrypted beside the key and tests the connection against the Replicate double", async () => {
    const bad = await submitSettingsForm(SHOP, form({ intent: "save", provider: "replicate", apiKey: replicate.apiKey, baseUrl: replicate.url, webhookSecret: "not-a-secret" }), ACTOR);
    expect(bad).toEqual({ intent: "save", provider: "replicate", ok: false, errors: { webhookSecret: "the webhook secret must start with whsec_ (copy it from Replicate's webhook settings)" } });
    expect(await prisma.providerCredential.count({ where: { shopId: SHOP, provider: "replicate" } })).toBe(0);

    expect(await submitSettingsForm(SHOP, form({ intent: "save", provider: "replicate", apiKey: replicate.apiKey, baseUrl: replicate.url, webhookSecret: replicate.webhookSecret }), ACTOR)).toMatchObject({ ok: true });
    const row = await prisma.providerCredential.findUniqueOrThrow({ where: { shopId_provider: { shopId: SHOP, provider: "replicate" } } });
    expect(row.encryptedWebhookSecret).toMatch(/^v1\./);
    expectNoSecret("the Replicate row", row);
    expect(await loadProviderConfig(prisma, SHOP, "replicate")).toEqual({ baseUrl: replicate.url, apiKey: replicate.apiKey, webhookSecret: replicate.webhookSecret });
    // The key's box does not open as the webhook secret: the field is part of the associated data.
    await prisma.providerCredential.update({ where: { shopId_provider: { shopId: SHOP, provider: "replicate" } }, data: { encryptedWebhookSecret: row.encryptedApiKey } });
    expect(await thrown(() => loadProviderConfig(prisma, SHOP, "replicate"))).toBeInstanceOf(SecretBoxError);
    await prisma.providerCredential.update({ where: { shopId_provider: { shopId: SHOP, provider: "replicate" } }, data: { encryptedWebhookSecret: row.encryptedWebhookSecret } });

    expect(await submitSettingsForm(SHOP, form({ intent: "test", provider: "replicate" }), ACTOR)).toMatchObject({ ok: true });
    expect(replicate.calls.at(-1)).toMatchObject({ path: "/account", status: 200 });
  });

  it("requires ComfyUI's server address and tests the connection against the ComfyUI double", async () => {
    expect(await submitSettingsForm(SHOP, form({ intent: "save", provider: "comfyui", apiKey: comfyui.apiKey }), ACTOR)).toEqual({
      intent: "save",
      provider: "comfyui",
      ok: false,
      errors: { baseUrl: "the base URL enter your ComfyUI server's address, such as https://comfy.example.com" },
    });
    expect(await submitSettingsForm(SHOP, form({ intent: "save", provider: "comfyui", apiKey: comfyui.apiKey, baseUrl: `${comfyui.url}/` }), ACTOR)).toMatchObject({ ok: true });
    expect(await submitSettingsForm(SHOP, form({ intent: "test", provider: "comfyui" }), ACTOR)).toMatchObject({ ok: true });
    expect(comfyui.calls.at(-1)).toMatchObject({ path: "/system_stats", status: 200 });
  });

  it("throws ProviderNotConfiguredError for a provider without a key, and runs the demo provider only in demo mode or tests", async () => {
    const error = await thrown(() => providerForShop(prisma, SHOP, "fal"));
    expect(error).toBeInstanceOf(ProviderNotConfiguredError);
    expect((error as ProviderNotConfiguredError).provider).toBe("fal");
    expect(error.message).toBe("No fal API key is set up for this shop: add it in Settings → fal, then resume production.");
    expect(await submitSettingsForm(SHOP, form({ intent: "test", provider: "fal" }), ACTOR)).toMatchObject({ ok: false, message: error.message });

    const demo = await providerForShop(prisma, SHOP, "demo");
    expect([demo.id, demo.isDemo]).toEqual(["demo", true]);
    expect(demoProviderAllowed({ demo: false, NODE_ENV: "production" })).toBe(false);
    expect(demoProviderAllowed({ demo: false, NODE_ENV: "development" })).toBe(false);
    expect(demoProviderAllowed({ demo: true, NODE_ENV: "development" })).toBe(true);
    expect(demoProviderAllowed({ demo: false, NODE_ENV: "test" })).toBe(true);
    // The credential form never takes "demo".
    expect(await submitSettingsForm(SHOP, form({ intent: "save", provider: "demo", apiKey: "demo-demo-demo-demo" }), ACTOR)).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/choose FASHN/) } });
  });

  it("gives the page loader masked credentials only", async () => {
    const page = await loadSettingsPage(SHOP, { demo: false });
    const json = JSON.stringify(page);
    expectNoSecret("the page loader's JSON", json);
    expect(page.providers.map((p) => [p.provider, p.stored?.keyHint ?? null])).toEqual([
      ["fashn", fashn.apiKey.slice(-4)],
      ["fal", null],
      ["replicate", replicate.apiKey.slice(-4)],
      ["comfyui", comfyui.apiKey.slice(-4)],
      ["runway", null],
      ["photoroom", null],
      ["removebg", null],
    ]);
    expect(page.providers[0]).toMatchObject({ label: "FASHN", defaultBaseUrl: "https://api.fashn.ai/v1", stored: { lastTestOk: true, hasKey: true } });
    expect(page.providers[2].stored).toMatchObject({ hasWebhookSecret: true });
  });

  it("validates and saves the budgets, and sums this UTC month's spend and reservations", async () => {
    const bad = await submitSettingsForm(SHOP, form({ intent: "budget", monthlyBudget: "-20", productCap: "ten" }), ACTOR);
    expect(bad).toEqual({
      intent: "budget",
      ok: false,
      errors: { monthlyBudget: "must not be negative: enter 0 or more, or leave it empty for no limit", productCap: "enter an amount in US dollars, such as 250 or 12.50" },
    });
    const over = await submitSettingsForm(SHOP, form({ intent: "budget", monthlyBudget: "100", productCap: "150" }), ACTOR);
    expect(over).toMatchObject({ ok: false, errors: { productCap: expect.stringMatching(/not be more than the monthly budget/) } });
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } })).toMatchObject({ monthlyBudgetCents: null, productCapCents: null });

    expect(await submitSettingsForm(SHOP, form({ intent: "budget", monthlyBudget: "$1,250.50", productCap: "40" }), ACTOR)).toEqual({ intent: "budget", ok: true, message: "Budgets saved" });
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } })).toMatchObject({ monthlyBudgetCents: 125_050, productCapCents: 4_000 });
    const [audit] = await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: "production.budgets.saved" } });
    expect(audit.data).toEqual({ before: { monthlyBudgetCents: null, productCapCents: null }, after: { monthlyBudgetCents: 125_050, productCapCents: 4_000 } });

    const now = new Date("2026-11-15T12:00:00Z");
    const entry = (costMicros: number, outcome: string, at: string, shopId = SHOP) =>
      prisma.costEntry.create({ data: { shopId, productId: "gid://shopify/Product/1", provider: "fashn", model: "tryon-v1.6", operation: "try-on", unit: "credit", units: 1, costMicros, outcome, at: new Date(at) } });
    await entry(75_000, "succeeded", "2026-11-01T00:00:00Z");
    await entry(75_000, "failed", "2026-11-10T08:00:00Z");
    await entry(280_000, "reserved", "2026-11-15T11:59:00Z");
    await entry(1_000_000, "succeeded", "2026-10-31T23:59:59Z"); // last month
    await entry(1_000_000, "succeeded", "2026-12-01T00:00:00Z"); // next month
    await entry(1_000_000, "succeeded", "2026-11-05T00:00:00Z", OTHER_SHOP);
    expect(await monthSpendMicros(prisma, SHOP, now)).toEqual({ spentMicros: 150_000, reservedMicros: 280_000 });
    expect(await monthSpendMicros(prisma, "nobody.myshopify.com", now)).toEqual({ spentMicros: 0, reservedMicros: 0 });

    const page = await loadSettingsPage(SHOP, { demo: true, now });
    expect(page).toMatchObject({ demo: true, budgets: { monthlyBudget: "1250.50", productCap: "40.00" }, spend: { spentMicros: 150_000, reservedMicros: 280_000, monthStart: "2026-11-01T00:00:00.000Z" } });
    expect(await submitSettingsForm(SHOP, form({ intent: "budget", monthlyBudget: "", productCap: "" }), ACTOR)).toMatchObject({ ok: true });
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: SHOP } })).toMatchObject({ monthlyBudgetCents: null, productCapCents: null });
  });

  it("refuses to fetch loopback or private origins that are not on the allow-list (SSRF)", async () => {
    const fetchPolicy = providerFetch();
    const allowed = await fetchPolicy(`${comfyui.url}/system_stats`, { headers: { authorization: `Bearer ${comfyui.apiKey}` } });
    expect(allowed.status).toBe(200);

    const stranger = http.createServer((_req, res) => res.end("inside"));
    await new Promise<void>((resolve) => stranger.listen(0, "127.0.0.1", resolve));
    const port = (stranger.address() as AddressInfo).port;
    try {
      const plain = await thrown(() => fetchPolicy(`http://127.0.0.1:${port}/`));
      expect(plain).toMatchObject({ code: "forbidden_scheme" });
      const tls = await thrown(() => fetchPolicy(`https://127.0.0.1:${port}/`));
      expect(tls).toBeInstanceOf(RemoteFetchError);
      expect(tls).toMatchObject({ code: "forbidden_address" });
      await expect(fetchPolicy("https://169.254.169.254/latest/meta-data/")).rejects.toMatchObject({ code: "forbidden_address" });
      await expect(fetchPolicy("https://10.0.0.1/")).rejects.toMatchObject({ code: "forbidden_address" });

      // The form refuses such a base URL; a row written behind its back still cannot reach it.
      const saved = await submitSettingsForm(SHOP, form({ intent: "save", provider: "fal", apiKey: "fal-key-0123456789abcdef", baseUrl: `http://127.0.0.1:${port}` }), ACTOR);
      expect(saved).toMatchObject({ ok: false, errors: { baseUrl: expect.stringMatching(/must start with https:\/\//) } });
      secrets.add("fal-key-0123456789abcdef");
      await prisma.providerCredential.deleteMany({ where: { shopId: SHOP, provider: "fal" } });
      expect(await submitSettingsForm(SHOP, form({ intent: "save", provider: "fal", apiKey: "fal-key-0123456789abcdef" }), ACTOR)).toMatchObject({ ok: true });
      await prisma.providerCredential.update({ where: { shopId_provider: { shopId: SHOP, provider: "fal" } }, data: { baseUrl: `http://127.0.0.1:${port}` } });
      const result = await submitSettingsForm(SHOP, form({ intent: "test", provider: "fal" }), ACTOR);
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/only https URLs may be fetched/) });
    } finally {
      await new Promise<void>((resolve) => stranger.close(() => resolve()));
    }
  });

  it("adds the emulator and app origins to the allow-list in demo mode only", () => {
    const base = { SHOTLANE_FETCH_ALLOW_ORIGINS: "http://127.0.0.1:4010/, http://localhost:5000", SHOTLANE_EMULATOR_URL: "http://127.0.0.1:4020/graphql", SHOPIFY_APP_URL: "http://127.0.0.1:3000" };
    expect(fetchAllowOrigins({ ...base, demo: false })).toEqual(["http://127.0.0.1:4010", "http://localhost:5000"]);
    expect(fetchAllowOrigins({ ...base, demo: true })).toEqual(["http://127.0.0.1:4010", "http://localhost:5000", "http://127.0.0.1:4020", "http://127.0.0.1:3000"]);
    expect(fetchAllowOrigins({ SHOTLANE_FETCH_ALLOW_ORIGINS: undefined, SHOTLANE_EMULATOR_URL: undefined, SHOPIFY_APP_URL: "https://shotlane.example.com", demo: false })).toEqual([]);
    expect(() => fetchAllowOrigins({ ...base, SHOTLANE_FETCH_ALLOW_ORIGINS: "127.0.0.1:4010", demo: false })).toThrow(/SHOTLANE_FETCH_ALLOW_ORIGINS: "127.0.0.1:4010" is not an origin/);
  });
});
