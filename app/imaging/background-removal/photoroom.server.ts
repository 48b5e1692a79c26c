import { z } from "zod";
import { codeForStatus, parseProviderBody, providerRequest } from "../../providers/provider-http";
import { ProviderError, type ProviderConfig, type ProviderContext, type ProviderErrorCode, type Usage } from "../../providers/provider";
import { checkRemovalInput, errorSource, PNG_CONTENT_TYPE, postForImage, requireCutout, uploadFileName, type TestableRemover } from "./background-remover";

/**
 * Photoroom's Remove Background API (Basic plan), ../../../shared/PLATFORM.md:
 * `POST {base}/segment` with `x-api-key` and a multipart `image_file` answers
 * the cut-out's bytes. Errors are JSON (`detail`, or `message` from the
 * gateway); 402 means the account has no images left; failed calls are free.
 */

export const PHOTOROOM_DEFAULT_BASE_URL = "https://sdk.photoroom.com/v1";

/**
 * Basic plan list price, $0.02 per image (photoroom.com/api/pricing, as read
 * in 2026; volume partner rates go down to $0.01). Charged per successful call.
 */
export const PHOTOROOM_MICROS_PER_IMAGE = 20_000;

const SOURCE = errorSource("photoroom");
const LABEL = "Photoroom";

const errorBodySchema = z.object({ detail: z.string().optional(), message: z.string().optional(), type: z.string().optional() });

const accountSchema = z.object({ images: z.object({ available: z.number(), subscription: z.number() }), plan: z.string().optional() });

function classifyPhotoroomError(status: number, body: unknown): { code: ProviderErrorCode; message: string; providerCode?: string } | undefined {
  const parsed = errorBodySchema.safeParse(body);
  const said = parsed.success ? (parsed.data.detail ?? parsed.data.message) : undefined;
  const code = codeForStatus(status);
  const because = said ? ` (${said})` : "";
  if (code === "auth") return { code, message: `Photoroom rejected the API key${because}: check it in Settings → Photoroom` };
  if (code === "out_of_credits") return { code, message: `Photoroom has no images left on this account${because}: upgrade the plan or wait for the monthly renewal` };
  if (!said) return undefined;
  return { code, message: `Photoroom: ${said}`, providerCode: parsed.success ? parsed.data.type : undefined };
}

/**
 * Where the account endpoint is: Photoroom serves it from image-api.photoroom.com
 * (it covers Remove Background keys too); a base URL pointing elsewhere (a
 * proxy, the test double) serves it on its own origin.
 */
export function photoroomAccountUrl(baseUrl: string): string {
  const origin = new URL(baseUrl).origin;
  return origin === new URL(PHOTOROOM_DEFAULT_BASE_URL).origin ? "https://image-api.photoroom.com/v2/account" : `${origin}/v2/account`;
}

export function createPhotoroomRemover(config: ProviderConfig, ctx: ProviderContext): TestableRemover {
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const usage: Usage = { unit: "image", units: 1, costMicros: PHOTOROOM_MICROS_PER_IMAGE };

  return {
    id: "photoroom",
    label: LABEL,

    estimate: () => ({ ...usage }),

    async remove(input, options = {}) {
      checkRemovalInput(SOURCE, LABEL, input);
      const form = new FormData();
      form.append("image_file", new Blob([new Uint8Array(input.bytes)], { type: input.contentType }), uploadFileName(input.contentType));
      // Explicit rather than Photoroom's defaults: a full-size RGBA PNG, not cropped to the subject.
      form.append("format", "png");
      form.append("channels", "rgba");
      form.append("size", "full");
      form.append("crop", "false");
      const { bytes } = await postForImage(SOURCE, LABEL, ctx, { url: `${baseUrl}/segment`, headers: { "x-api-key": config.apiKey, accept: "image/png, application/json" }, body: form, signal: options.signal }, classifyPhotoroomError);
      requireCutout(SOURCE, LABEL, bytes);
      return { bytes, contentType: PNG_CONTENT_TYPE, usage: { ...usage } };
    },

    async testConnection() {
      // The account endpoint is free and checks the key; it also tells whether any images are left.
      try {
        const { body } = await providerRequest(SOURCE, ctx, { url: photoroomAccountUrl(baseUrl), headers: { "x-api-key": config.apiKey } }, classifyPhotoroomError);
        const account = parseProviderBody(SOURCE, accountSchema, body, "account answer");
        if (account.images.available <= 0) return { ok: false, message: "Photoroom accepted the key, but the account has no images left: upgrade the plan or wait for the monthly renewal" };
        return { ok: true };
      } catch (error) {
        if (error instanceof ProviderError && error.code === "auth") return { ok: false, message: "Photoroom rejected the API key: check it in Settings" };
        return { ok: false, message: error instanceof Error ? error.message : "Photoroom could not be reached" };
      }
    },
  };
}
