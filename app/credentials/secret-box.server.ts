import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "../config/env";

/**
 * Secrets at rest: AES-256-GCM with a random 12-byte IV per encryption and the
 * key from SHOTLANE_ENCRYPTION_KEY. The stored text is
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), so a later key or algorithm can be
 * told apart by its version. The associated data names what the secret belongs
 * to (shop, provider, field): GCM then refuses a ciphertext copied onto another
 * row, though the key is the same.
 *
 * Error messages describe the box, never its contents, and never quote the box.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export type SecretBoxErrorCode = "format" | "key" | "authentication";

export class SecretBoxError extends Error {
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SecretBoxError";
  }
}

export interface SecretBoxOptions {
  /** 32 bytes; defaults to SHOTLANE_ENCRYPTION_KEY. Tests pass their own to prove a wrong key fails. */
  key?: Buffer;
}

function keyOf(options: SecretBoxOptions): Buffer {
  const key = options.key ?? Buffer.from(env().SHOTLANE_ENCRYPTION_KEY, "base64");
  if (key.length !== KEY_BYTES) throw new SecretBoxError("key", `the encryption key must be ${KEY_BYTES} bytes (got ${key.length}); set SHOTLANE_ENCRYPTION_KEY to \`openssl rand -base64 32\``);
  return key;
}

/** Encrypts `plain`, bound to `associatedData` (e.g. "provider-credential:<shop>:<provider>:apiKey"). */
export function encryptSecret(plain: string, associatedData: string, options: SecretBoxOptions = {}): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyOf(options), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

function decodePart(part: string, name: string, bytes?: number): Buffer {
  if (!BASE64URL.test(part)) throw new SecretBoxError("format", `the stored secret's ${name} is not base64url`);
  const decoded = Buffer.from(part, "base64url");
  if (bytes !== undefined && decoded.length !== bytes) throw new SecretBoxError("format", `the stored secret's ${name} must be ${bytes} bytes (got ${decoded.length})`);
  return decoded;
}

/**
 * Decrypts a box made by encryptSecret with the same associated data. A wrong
 * key, another row's box or any tampering fails GCM's tag check; the message
 * says so and how to recover, and contains nothing of the secret.
 */
export function decryptSecret(box: string, associatedData: string, options: SecretBoxOptions = {}): string {
  const parts = box.split(".");
  if (parts.length !== 4) throw new SecretBoxError("format", `the stored secret is not in the ${VERSION}.<iv>.<tag>.<ciphertext> format`);
  const [version, ivText, tagText, ciphertextText] = parts;
  if (version !== VERSION) throw new SecretBoxError("format", `the stored secret has an unknown format version (expected ${VERSION})`);
  const iv = decodePart(ivText, "IV", IV_BYTES);
  const tag = decodePart(tagText, "authentication tag", TAG_BYTES);
  const ciphertext = decodePart(ciphertextText, "ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(options), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError(
      "authentication",
      "the stored secret could not be decrypted: it was encrypted with another SHOTLANE_ENCRYPTION_KEY, belongs to another shop or provider, or was altered; enter the key again in Settings",
    );
  }
}
