import type { PrismaClient } from "@prisma/client";
import { recordAuditEvent } from "../audit/audit.server";
import { ensureShop } from "../catalog/catalog-sync.server";
import type { ProviderConfig, ProviderId } from "../providers/provider";
import { DEFAULT_BASE_URLS, isCredentialProvider, keyHintOf, parseCredentialForm, type CredentialProvider } from "./credential-form";
import { decryptSecret, encryptSecret } from "./secret-box.server";

/**
 * Per-shop provider credentials. Keys are encrypted before they reach the
 * database and decrypted only inside loadProviderConfig, for the caller to use
 * and drop; nothing here logs, audits or returns a key.
 */

type SecretField = "apiKey" | "webhookSecret";

/** Binds a stored secret to its row and column, so a box copied elsewhere does not decrypt. */
function credentialAad(shopId: string, provider: CredentialProvider, field: SecretField): string {
  return `shotlane/provider-credential/v1/${shopId}/${provider}/${field}`;
}

/** What the Settings page may show about a stored credential: never the key. */
export interface MaskedCredential {
  provider: CredentialProvider;
  /** The key's last four characters; "" when no key is stored (ComfyUI without auth). */
  keyHint: string;
  hasKey: boolean;
  /** The stored base URL; null means the provider's production API. */
  baseUrl: string | null;
  hasWebhookSecret: boolean;
  lastTestedAt: Date | null;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
  updatedAt: Date;
}

export type SaveCredentialResult = { ok: true; credential: MaskedCredential } | { ok: false; errors: Record<string, string> };

export interface SaveCredentialOptions {
  /** Origins where an http base URL is accepted (the fetch allow-list; none in production). */
  httpAllowedOrigins?: ReadonlySet<string>;
}

type CredentialRow = NonNullable<Awaited<ReturnType<PrismaClient["providerCredential"]["findUnique"]>>>;

function masked(row: CredentialRow): MaskedCredential {
  return {
    provider: row.provider as CredentialProvider,
    keyHint: row.keyHint,
    // ComfyUI without a key stores an encrypted empty string and no hint; every stored key is at least 12 characters.
    hasKey: row.keyHint !== "",
    baseUrl: row.baseUrl,
    hasWebhookSecret: row.encryptedWebhookSecret !== null,
    lastTestedAt: row.lastTestedAt,
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
    updatedAt: row.updatedAt,
  };
}

/**
 * Validates and stores one provider's credential (field errors, nothing
 * stored, when any field is wrong). An empty key field on an update keeps the
 * stored key. A changed key or base URL clears the last test result, which was
 * about the old one. The audit event names the provider and key hint only.
 */
export async function saveProviderCredential(db: PrismaClient, shopId: string, input: Record<string, unknown>, actor: string, options: SaveCredentialOptions = {}): Promise<SaveCredentialResult> {
  const provider = input.provider;
  const existing = isCredentialProvider(provider) ? await db.providerCredential.findUnique({ where: { shopId_provider: { shopId, provider } } }) : null;
  const parsed = parseCredentialForm(input, { hasStoredKey: existing !== null, httpAllowedOrigins: options.httpAllowedOrigins ?? new Set() });
  if (!parsed.ok) return parsed;
  const { change } = parsed;

  const keyChanged = change.apiKey !== null;
  const common = {
    baseUrl: change.baseUrl,
    ...(change.webhookSecret === null ? {} : { encryptedWebhookSecret: encryptSecret(change.webhookSecret, credentialAad(shopId, change.provider, "webhookSecret")) }),
    ...(keyChanged || existing?.baseUrl !== change.baseUrl ? { lastTestedAt: null, lastTestOk: null, lastTestMessage: null } : {}),
  };
  await ensureShop(db, shopId);
  const where = { shopId_provider: { shopId, provider: change.provider } };
  const row = await db.$transaction(async (tx) => {
    let saved: CredentialRow | null;
    if (change.apiKey === null) {
      // Keeping the stored key: the row must still be there (it may have been removed meanwhile).
      const { count } = await tx.providerCredential.updateMany({ where: { shopId, provider: change.provider }, data: common });
      saved = count === 0 ? null : await tx.providerCredential.findUniqueOrThrow({ where });
    } else {
      const key = { encryptedApiKey: encryptSecret(change.apiKey, credentialAad(shopId, change.provider, "apiKey")), keyHint: keyHintOf(change.apiKey) };
      saved = await tx.providerCredential.upsert({ where, create: { shopId, provider: change.provider, ...key, ...common }, update: { ...key, ...common } });
    }
    if (!saved) return null;
    await recordAuditEvent(tx, {
      shopId,
      actor,
      action: existing ? "provider.credential.updated" : "provider.credential.added",
      subjectType: "ProviderCredential",
      subjectId: change.provider,
      data: { provider: change.provider, keyHint: saved.keyHint, keyChanged, baseUrl: change.baseUrl, webhookSecretChanged: change.webhookSecret !== null },
    });
    return saved;
  });
  if (!row) return { ok: false, errors: { apiKey: "the stored key was removed meanwhile: enter the key again" } };
  return { ok: true, credential: masked(row) };
}

/** Every stored credential of the shop, masked. */
export async function listProviderCredentials(db: PrismaClient, shopId: string): Promise<MaskedCredential[]> {
  const rows = await db.providerCredential.findMany({ where: { shopId }, orderBy: { provider: "asc" } });
  return rows.filter((row) => isCredentialProvider(row.provider)).map(masked);
}

/** Removes the shop's credential for the provider; false when there was none. */
export async function deleteProviderCredential(db: PrismaClient, shopId: string, provider: CredentialProvider, actor: string): Promise<boolean> {
  const { count } = await db.providerCredential.deleteMany({ where: { shopId, provider } });
  if (count === 0) return false;
  await recordAuditEvent(db, { shopId, actor, action: "provider.credential.removed", subjectType: "ProviderCredential", subjectId: provider, data: { provider } });
  return true;
}

/**
 * The adapter configuration with the key decrypted, in memory only; null when
 * the shop has no credential for the provider. Throws SecretBoxError (which
 * never contains the key) when the stored box cannot be decrypted.
 */
export async function loadProviderConfig(db: PrismaClient, shopId: string, provider: ProviderId | CredentialProvider): Promise<ProviderConfig | null> {
  if (!isCredentialProvider(provider)) return null;
  const row = await db.providerCredential.findUnique({ where: { shopId_provider: { shopId, provider } } });
  if (!row) return null;
  const baseUrl = row.baseUrl ?? (provider === "comfyui" ? null : DEFAULT_BASE_URLS[provider]);
  if (baseUrl === null) return null;
  return {
    baseUrl,
    apiKey: decryptSecret(row.encryptedApiKey, credentialAad(shopId, provider, "apiKey")),
    ...(row.encryptedWebhookSecret === null ? {} : { webhookSecret: decryptSecret(row.encryptedWebhookSecret, credentialAad(shopId, provider, "webhookSecret")) }),
  };
}

const MAX_TEST_MESSAGE = 500;

/** Replaces every occurrence of the given secrets, so a provider that echoes a key cannot get it stored or shown. */
export function redactSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let redacted = message;
  for (const secret of secrets) if (secret && secret.length >= 4) redacted = redacted.split(secret).join("••••");
  return redacted;
}

/**
 * Stores the outcome of a "Test connection" on the credential row (nothing
 * when it was removed meanwhile) and returns the message as stored: the
 * provider's own words, with any stored secret blanked out, cut to a length.
 */
export async function recordConnectionTest(db: PrismaClient, shopId: string, provider: CredentialProvider, result: { ok: true } | { ok: false; message: string }, now = new Date()): Promise<string | null> {
  let message: string | null = null;
  if (!result.ok) {
    let secrets: (string | undefined)[] = [];
    try {
      const config = await loadProviderConfig(db, shopId, provider);
      secrets = [config?.apiKey, config?.webhookSecret];
    } catch {
      // An undecryptable key cannot be echoed by the provider either: it was never sent.
    }
    message = redactSecrets(result.message, secrets).slice(0, MAX_TEST_MESSAGE);
  }
  await db.providerCredential.updateMany({ where: { shopId, provider }, data: { lastTestedAt: now, lastTestOk: result.ok, lastTestMessage: message } });
  return message;
}
