import { z } from "zod";
import { env } from "../config/env";
import { ALL_CREDENTIAL_PROVIDERS, DEFAULT_BASE_URLS, PROVIDER_LABELS, type CredentialProvider } from "../credentials/credential-form";
import { deleteProviderCredential, listProviderCredentials, recordConnectionTest, saveProviderCredential } from "../credentials/credentials.server";
import prisma from "../db.server";
import { fetchAllowOrigins, providerForShop } from "../providers/registry.server";
import { altTextSample, loadPublishingSettings, savePublishingSettings } from "../publishing/publishing-settings.server";
import { loadReviewSettings, saveReviewSettings } from "../review/review-settings.server";
import { loadStudioSettings, saveStudioSettings, studioNamingSample } from "../studio/studio-settings.server";
import { centsToUsdInput } from "./budget-form";
import { loadBudgets, saveBudgets } from "./budgets.server";
import { monthSpendMicros, startOfUtcMonth } from "./spend.server";

/** One provider's card: what is stored, masked (null when nothing is). */
export interface ProviderCardData {
  provider: CredentialProvider;
  label: string;
  /** The production API root used when no base URL is stored; null for self-hosted ComfyUI. */
  defaultBaseUrl: string | null;
  stored: {
    keyHint: string;
    hasKey: boolean;
    baseUrl: string | null;
    hasWebhookSecret: boolean;
    lastTestedAt: string | null;
    lastTestOk: boolean | null;
    lastTestMessage: string | null;
  } | null;
}

/** The Settings page: every provider's masked credential, the budgets as typed amounts, this month's spend, how review works, how approved media is published. */
export async function loadSettingsPage(shopId: string, options: { demo: boolean; now?: Date }) {
  const now = options.now ?? new Date();
  const [credentials, budgets, spend, review, publishing, altSample, studio, namingSample] = await Promise.all([
    listProviderCredentials(prisma, shopId),
    loadBudgets(prisma, shopId),
    monthSpendMicros(prisma, shopId, now),
    loadReviewSettings(prisma, shopId),
    loadPublishingSettings(prisma, shopId),
    altTextSample(prisma, shopId),
    loadStudioSettings(prisma, shopId),
    studioNamingSample(prisma, shopId),
  ]);
  const providers: ProviderCardData[] = ALL_CREDENTIAL_PROVIDERS.map((provider) => {
    const stored = credentials.find((c) => c.provider === provider);
    return {
      provider,
      label: PROVIDER_LABELS[provider],
      defaultBaseUrl: provider === "comfyui" ? null : DEFAULT_BASE_URLS[provider],
      stored: stored
        ? {
            keyHint: stored.keyHint,
            hasKey: stored.hasKey,
            baseUrl: stored.baseUrl,
            hasWebhookSecret: stored.hasWebhookSecret,
            lastTestedAt: stored.lastTestedAt?.toISOString() ?? null,
            lastTestOk: stored.lastTestOk,
            lastTestMessage: stored.lastTestMessage,
          }
        : null,
    };
  });
  return {
    demo: options.demo,
    providers,
    budgets: { monthlyBudget: centsToUsdInput(budgets.monthlyBudgetCents), productCap: centsToUsdInput(budgets.productCapCents) },
    spend: { ...spend, monthStart: startOfUtcMonth(now).toISOString() },
    review,
    publishing: { settings: publishing, altSample },
    studio: { settings: studio, namingSample },
  };
}

export type SettingsIntent = "save" | "remove" | "test" | "budget" | "review" | "publishing" | "studio";

/** Every action answers in this one shape, so each card reads its own fetcher the same way. */
export interface SettingsActionResult {
  intent: SettingsIntent;
  provider?: CredentialProvider;
  ok: boolean;
  /** Field errors (save, budget, review, publishing, studio). */
  errors?: Record<string, string>;
  /** What happened, for a banner (test, remove). Never contains a key. */
  message?: string;
}

const envelopeSchema = z.object({
  intent: z.enum(["save", "remove", "test", "budget", "review", "publishing", "studio"], { error: "the form has no valid intent: reload the page and try again" }),
  provider: z.enum(ALL_CREDENTIAL_PROVIDERS, { error: "choose FASHN, fal, Replicate, ComfyUI, Runway, Photoroom or remove.bg" }).optional(),
});

async function testConnection(shopId: string, provider: CredentialProvider): Promise<SettingsActionResult> {
  let result: { ok: true } | { ok: false; message: string };
  try {
    result = await (await providerForShop(prisma, shopId, provider)).testConnection();
  } catch (error) {
    // Not configured, an undecryptable key, a refused address: each says what to do; none carries the key.
    result = { ok: false, message: error instanceof Error ? error.message : `${PROVIDER_LABELS[provider]} could not be reached` };
  }
  const stored = await recordConnectionTest(prisma, shopId, provider, result);
  return result.ok
    ? { intent: "test", provider, ok: true, message: `${PROVIDER_LABELS[provider]} accepted the key: the connection works.` }
    : { intent: "test", provider, ok: false, message: stored ?? `${PROVIDER_LABELS[provider]} could not be reached` };
}

/** The Settings form: `intent` selects save / remove / test (per provider), budget, review, publishing or studio. */
export async function submitSettingsForm(shopId: string, form: FormData, actor: string): Promise<SettingsActionResult> {
  const input = Object.fromEntries(form);
  const envelope = envelopeSchema.safeParse({ intent: input.intent, provider: input.provider });
  if (!envelope.success) return { intent: "save", ok: false, errors: { form: envelope.error.issues.map((issue) => issue.message).join("; ") } };
  const { intent, provider } = envelope.data;
  if (intent === "budget") {
    const saved = await saveBudgets(prisma, shopId, input, actor);
    return saved.ok ? { intent, ok: true, message: "Budgets saved" } : { intent, ok: false, errors: saved.errors };
  }
  if (intent === "review") {
    const saved = await saveReviewSettings(prisma, shopId, actor, { brandSignOff: input.brandSignOff });
    if (!saved.ok) return { intent, ok: false, errors: saved.errors };
    return { intent, ok: true, message: saved.settings.brandSignOff ? "Review settings saved: approvals now wait for a brand sign-off" : "Review settings saved: a reviewer's approval is final" };
  }
  if (intent === "publishing") {
    // Only the card's fields: the envelope (intent) is not a setting.
    const { intent: _intent, ...fields } = input;
    const saved = await savePublishingSettings(prisma, shopId, fields, actor);
    return saved.ok ? { intent, ok: true, message: "Publishing settings saved" } : { intent, ok: false, errors: saved.errors };
  }
  if (intent === "studio") {
    const { intent: _intent, ...fields } = input;
    const saved = await saveStudioSettings(prisma, shopId, fields, actor);
    return saved.ok ? { intent, ok: true, message: "Studio settings saved" } : { intent, ok: false, errors: saved.errors };
  }
  if (!provider) return { intent, ok: false, errors: { provider: "choose FASHN, fal, Replicate, ComfyUI, Runway, Photoroom or remove.bg" } };
  switch (intent) {
    case "save": {
      const saved = await saveProviderCredential(prisma, shopId, input, actor, { httpAllowedOrigins: new Set(fetchAllowOrigins(env())) });
      return saved.ok ? { intent, provider, ok: true, message: `${PROVIDER_LABELS[provider]} settings saved` } : { intent, provider, ok: false, errors: saved.errors };
    }
    case "remove": {
      const removed = await deleteProviderCredential(prisma, shopId, provider, actor);
      return { intent, provider, ok: true, message: removed ? `${PROVIDER_LABELS[provider]} key removed` : `No ${PROVIDER_LABELS[provider]} key was stored` };
    }
    case "test":
      return testConnection(shopId, provider);
  }
}
