import { describe, expect, it } from "vitest";
import { keyHintOf, parseCredentialForm, type CredentialFormContext } from "./credential-form";

const KEY = "fa-live-0123456789abcdef";
const fresh: CredentialFormContext = { hasStoredKey: false, httpAllowedOrigins: new Set() };
const stored: CredentialFormContext = { hasStoredKey: true, httpAllowedOrigins: new Set() };

function errorsOf(input: Record<string, unknown>, context = fresh): Record<string, string> {
  const result = parseCredentialForm(input, context);
  if (result.ok) throw new Error("expected field errors");
  for (const message of Object.values(result.errors)) for (const value of Object.values(input)) if (typeof value === "string" && value.length >= 8) expect(message).not.toContain(value);
  return result.errors;
}

describe("provider credential form", () => {
  it("accepts a trimmed key with the default base URL", () => {
    expect(parseCredentialForm({ provider: "fashn", apiKey: `  ${KEY}\n`, baseUrl: "" }, fresh)).toEqual({ ok: true, change: { provider: "fashn", apiKey: KEY, baseUrl: null, webhookSecret: null } });
    expect(keyHintOf(KEY)).toBe("cdef");
    expect(keyHintOf("")).toBe("");
  });

  it("keeps the stored key when the field is left empty on an update, and asks for one otherwise", () => {
    expect(parseCredentialForm({ provider: "runway", apiKey: " " }, stored)).toEqual({ ok: true, change: { provider: "runway", apiKey: null, baseUrl: null, webhookSecret: null } });
    expect(errorsOf({ provider: "runway", apiKey: "" })).toEqual({ apiKey: "enter the API key from your Runway account" });
  });

  it("refuses the demo provider and unknown ones", () => {
    expect(errorsOf({ provider: "demo", apiKey: KEY })).toEqual({ provider: "choose FASHN, fal, Replicate, ComfyUI, Runway, Photoroom or remove.bg" });
    expect(errorsOf({ apiKey: KEY })).toEqual({ form: "the form could not be read: reload the page and try again" });
  });

  it("refuses keys that cannot be real: too short, too long, with spaces or line breaks", () => {
    expect(errorsOf({ provider: "fal", apiKey: "short-key" }).apiKey).toMatch(/too short to be a real key \(at least 12 characters\)/);
    expect(errorsOf({ provider: "fal", apiKey: "x".repeat(5000) }).apiKey).toMatch(/longer than 4096 characters/);
    expect(errorsOf({ provider: "fal", apiKey: "fa-live-0123 456789" }).apiKey).toMatch(/must not contain spaces, line breaks/);
    expect(errorsOf({ provider: "fal", apiKey: "fa-live-0123\n456789" }).apiKey).toMatch(/must not contain spaces, line breaks/);
  });

  it("requires https base URLs without credentials, query or fragment; http only for allow-listed origins", () => {
    expect(parseCredentialForm({ provider: "fal", apiKey: KEY, baseUrl: "https://fal.example.com/queue///" }, fresh)).toMatchObject({ ok: true, change: { baseUrl: "https://fal.example.com/queue" } });
    expect(errorsOf({ provider: "fal", apiKey: KEY, baseUrl: "http://fal.example.com" }).baseUrl).toMatch(/must start with https:\/\//);
    expect(errorsOf({ provider: "fal", apiKey: KEY, baseUrl: "ftp://fal.example.com" }).baseUrl).toMatch(/must start with https:\/\//);
    expect(errorsOf({ provider: "fal", apiKey: KEY, baseUrl: "fal.example.com" }).baseUrl).toMatch(/full address starting with https:\/\//);
    expect(errorsOf({ provider: "fal", apiKey: KEY, baseUrl: "https://user:pw@fal.example.com" }).baseUrl).toMatch(/must not contain a user name or password/);
    expect(errorsOf({ provider: "fal", apiKey: KEY, baseUrl: "https://fal.example.com/?key=1" }).baseUrl).toMatch(/must not contain \? or #/);
    const local = { hasStoredKey: false, httpAllowedOrigins: new Set(["http://127.0.0.1:4010"]) };
    expect(parseCredentialForm({ provider: "fashn", apiKey: KEY, baseUrl: "http://127.0.0.1:4010/v1" }, local)).toMatchObject({ ok: true, change: { baseUrl: "http://127.0.0.1:4010/v1" } });
    expect(errorsOf({ provider: "fashn", apiKey: KEY, baseUrl: "http://127.0.0.1:4011/v1" }, local).baseUrl).toMatch(/https/);
  });

  it("takes Photoroom and remove.bg keys like the generation providers' (default base URL, no webhook secret)", () => {
    expect(parseCredentialForm({ provider: "photoroom", apiKey: KEY }, fresh)).toEqual({ ok: true, change: { provider: "photoroom", apiKey: KEY, baseUrl: null, webhookSecret: null } });
    expect(parseCredentialForm({ provider: "removebg", apiKey: KEY, baseUrl: "https://removebg.example.com/v1.0/" }, fresh)).toMatchObject({ ok: true, change: { baseUrl: "https://removebg.example.com/v1.0" } });
    expect(errorsOf({ provider: "removebg", apiKey: "" })).toEqual({ apiKey: "enter the API key from your remove.bg account" });
    expect(errorsOf({ provider: "photoroom", apiKey: KEY, webhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }).webhookSecret).toMatch(/only Replicate/);
  });

  it("requires ComfyUI's base URL (self-hosted) and lets it go without a key (plain ComfyUI has no auth)", () => {
    expect(errorsOf({ provider: "comfyui", apiKey: KEY })).toEqual({ baseUrl: "the base URL enter your ComfyUI server's address, such as https://comfy.example.com" });
    expect(parseCredentialForm({ provider: "comfyui", baseUrl: "https://comfy.example.com" }, fresh)).toEqual({
      ok: true,
      change: { provider: "comfyui", apiKey: "", baseUrl: "https://comfy.example.com", webhookSecret: null },
    });
  });

  it("takes a whsec_ webhook secret for Replicate only", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    expect(parseCredentialForm({ provider: "replicate", apiKey: KEY, webhookSecret: ` ${secret} ` }, fresh)).toMatchObject({ ok: true, change: { webhookSecret: secret } });
    expect(errorsOf({ provider: "replicate", apiKey: KEY, webhookSecret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }).webhookSecret).toMatch(/must start with whsec_/);
    expect(errorsOf({ provider: "fashn", apiKey: KEY, webhookSecret: secret }).webhookSecret).toMatch(/only Replicate uses a webhook secret/);
  });

  it("reports every bad field at once", () => {
    expect(Object.keys(errorsOf({ provider: "replicate", apiKey: "", baseUrl: "http://x", webhookSecret: "nope-nope-nope" })).sort()).toEqual(["apiKey", "baseUrl", "webhookSecret"]);
  });
});
