import type { PrismaClient } from "@prisma/client";
import { env, type Env } from "../config/env";
import { PROVIDER_LABELS, type CredentialProvider } from "../credentials/credential-form";
import { loadProviderConfig } from "../credentials/credentials.server";
import { createPhotoroomRemover } from "../imaging/background-removal/photoroom.server";
import { createRemovebgRemover } from "../imaging/background-removal/removebg.server";
import { readOwnSignedAsset } from "../storage/serve-signed-asset.server";
import { createSafeFetch, downloadToBuffer, type SafeFetchPolicy } from "../net/safe-fetch.server";
import { createComfyuiProvider } from "./comfyui.server";
import { createDemoProvider } from "./demo-provider.server";
import { createFalProvider } from "./fal.server";
import { createFashnProvider } from "./fashn.server";
import type { FetchLike, GenerationProvider, ProviderConfig, ProviderContext, ProviderId } from "./provider";
import { createReplicateProvider } from "./replicate.server";
import { createRunwayProvider } from "./runway.server";

/**
 * The one place production code gets a provider adapter for a shop: the
 * shop's decrypted credential, the policy-enforcing fetch, the timeouts.
 * Adapters are built per call and not cached, so a decrypted key lives only
 * as long as the caller keeps the adapter.
 */

export class ProviderNotConfiguredError extends Error {
  constructor(
    /** Whose key is missing: a generation provider's, or a background-removal service's (Photoroom, remove.bg). */
    readonly provider: ProviderId | CredentialProvider,
    message: string,
  ) {
    super(message);
    this.name = "ProviderNotConfiguredError";
  }
}

const PROVIDER_MAX_BYTES = 200 * 1024 * 1024;
const PROVIDER_FETCH_TIMEOUT_MS = 120_000;
const PROVIDER_API_TIMEOUT_MS = 30_000;
const DEMO_IMAGE_MAX_BYTES = 25 * 1024 * 1024;

type FetchEnv = Pick<Env, "SHOTLANE_FETCH_ALLOW_ORIGINS" | "SHOTLANE_EMULATOR_URL" | "SHOPIFY_APP_URL" | "demo">;

/**
 * Origins exempt from the https/public-address rules: the configured list
 * (tests and demo; the environment refuses it in production) and, in demo
 * mode only, the store emulator and the app itself (both on loopback).
 */
export function fetchAllowOrigins(config: FetchEnv): string[] {
  const origins = (config.SHOTLANE_FETCH_ALLOW_ORIGINS ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      if (!URL.canParse(entry)) throw new Error(`SHOTLANE_FETCH_ALLOW_ORIGINS: "${entry}" is not an origin such as http://127.0.0.1:4010; fix or remove it`);
      return new URL(entry).origin;
    });
  if (config.demo) {
    if (config.SHOTLANE_EMULATOR_URL) origins.push(new URL(config.SHOTLANE_EMULATOR_URL).origin);
    origins.push(new URL(config.SHOPIFY_APP_URL).origin);
  }
  return [...new Set(origins)];
}

function providerFetchPolicy(config: FetchEnv, maxBytes = PROVIDER_MAX_BYTES): SafeFetchPolicy {
  return { allowOrigins: fetchAllowOrigins(config), maxBytes, timeoutMs: PROVIDER_FETCH_TIMEOUT_MS };
}

/** fetch for provider APIs and their results: https and public addresses only (plus the allow-list), 200 MB, 120 s. */
export function providerFetch(): FetchLike {
  return createSafeFetch(providerFetchPolicy(env()));
}

/** The demo provider makes pictures without AI; it must never stand in for a real provider in production. */
export function demoProviderAllowed(config: Pick<Env, "demo" | "NODE_ENV">): boolean {
  return config.demo || config.NODE_ENV === "test";
}

// The demo provider holds no secret, and one instance shares its render limit and finished jobs across calls.
let demoProvider: GenerationProvider | undefined;

function sharedDemoProvider(config: FetchEnv): GenerationProvider {
  demoProvider ??= createDemoProvider({
    // It runs inside Shotlane, so Shotlane's own files come straight from the asset store.
    fetchImage: async (url) => (await readOwnSignedAsset(url, config.SHOPIFY_APP_URL)) ?? (await downloadToBuffer(url, providerFetchPolicy(config, DEMO_IMAGE_MAX_BYTES))).bytes,
  });
  return demoProvider;
}

/** A real provider's adapter for a config and context (the shop's key here; a keyless one where only estimate() is called). */
export function buildAdapter(provider: Exclude<ProviderId, "demo">, config: ProviderConfig, ctx: ProviderContext): GenerationProvider {
  switch (provider) {
    case "fashn":
      return createFashnProvider(config, ctx);
    case "fal":
      return createFalProvider(config, ctx);
    case "replicate":
      return createReplicateProvider(config, ctx);
    case "comfyui":
      return createComfyuiProvider(config, ctx);
    case "runway":
      return createRunwayProvider(config, ctx);
  }
}

/** What Settings needs of a stored key: its "Test connection" probe. */
export type ConnectionTester = Pick<GenerationProvider, "testConnection">;

/**
 * The shop's adapter for `provider`. Throws ProviderNotConfiguredError when
 * the shop has no credential (or asks for the demo provider outside demo mode
 * and tests), and SecretBoxError when the stored key cannot be decrypted.
 * Settings also tests Photoroom and remove.bg keys through here; those
 * background removers (app/imaging/background-removal) only offer the probe.
 */
export async function providerForShop(db: PrismaClient, shopId: string, provider: ProviderId): Promise<GenerationProvider>;
export async function providerForShop(db: PrismaClient, shopId: string, provider: ProviderId | CredentialProvider): Promise<GenerationProvider | ConnectionTester>;
export async function providerForShop(db: PrismaClient, shopId: string, provider: ProviderId | CredentialProvider): Promise<GenerationProvider | ConnectionTester> {
  const config = env();
  if (provider === "photoroom" || provider === "removebg") {
    const removerConfig = await loadProviderConfig(db, shopId, provider);
    if (!removerConfig) throw new ProviderNotConfiguredError(provider, `No ${PROVIDER_LABELS[provider]} API key is set up for this shop: add it in Settings → ${PROVIDER_LABELS[provider]}.`);
    const ctx = { fetch: providerFetch(), timeoutMs: PROVIDER_API_TIMEOUT_MS };
    return provider === "photoroom" ? createPhotoroomRemover(removerConfig, ctx) : createRemovebgRemover(removerConfig, ctx);
  }
  if (provider === "demo") {
    if (!demoProviderAllowed(config)) {
      throw new ProviderNotConfiguredError("demo", "The demo provider only runs in demo mode: choose FASHN, fal, Replicate, ComfyUI or Runway in the recipe, and add its key in Settings.");
    }
    return sharedDemoProvider(config);
  }
  const providerConfig = await loadProviderConfig(db, shopId, provider);
  if (!providerConfig) {
    throw new ProviderNotConfiguredError(provider, `No ${PROVIDER_LABELS[provider]} API key is set up for this shop: add it in Settings → ${PROVIDER_LABELS[provider]}, then resume production.`);
  }
  return buildAdapter(provider, providerConfig, { fetch: providerFetch(), timeoutMs: PROVIDER_API_TIMEOUT_MS });
}
