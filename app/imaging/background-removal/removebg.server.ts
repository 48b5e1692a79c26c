import { z } from "zod";
import { codeForStatus, parseProviderBody, providerRequest } from "../../providers/provider-http";
import { ProviderError, type ProviderConfig, type ProviderContext, type ProviderErrorCode, type Usage } from "../../providers/provider";
import { checkRemovalInput, errorSource, PNG_CONTENT_TYPE, postForImage, requireCutout, uploadFileName, type TestableRemover } from "./background-remover";

/**
 * remove.bg (../../../shared/PLATFORM.md): `POST {base}/removebg` with
 * `X-Api-Key` and a multipart `image_file` answers the cut-out's bytes, with
 * `X-Credits-Charged`, `X-Width`, `X-Height` and `X-Type` headers. Errors are
 * `{errors: [{title, code, detail}]}`; 400, 402, 403 and 429 are not charged.
 */

export const REMOVEBG_DEFAULT_BASE_URL = "https://api.remove.bg/v1.0";

/**
 * An assumption, not a published figure: remove.bg sells credits in packs and
 * subscriptions from roughly $0.10 to $2 each (cheaper the more you buy); $0.20
 * is a mid-size subscription's price per credit. The ledger records the
 * credits remove.bg reports, so only the dollar figure is estimated.
 */
export const REMOVEBG_MICROS_PER_CREDIT = 200_000;

/** A full-resolution result costs one credit; the estimate reserves that. */
const CREDITS_PER_FULL_IMAGE = 1;

const SOURCE = errorSource("removebg");
const LABEL = "remove.bg";

const errorBodySchema = z.object({ errors: z.array(z.object({ title: z.string(), code: z.string().optional(), detail: z.string().optional() })).min(1) });

const accountSchema = z.object({
  data: z.object({
    attributes: z.object({
      credits: z.object({ total: z.number() }),
      api: z.object({ free_calls: z.number() }),
    }),
  }),
});

/** remove.bg's JSON answer, when a proxy or a future default sends it instead of bytes. */
const jsonResultSchema = z.object({ data: z.object({ result_b64: z.string().min(1) }) });

function classifyRemovebgError(status: number, body: unknown): { code: ProviderErrorCode; message: string; providerCode?: string } | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const [first] = parsed.data.errors;
  const said = `${first.title}${first.detail ? ` (${first.detail})` : ""}`;
  const code = codeForStatus(status);
  if (code === "auth") return { code, message: `remove.bg rejected the API key (${said}): check it in Settings → remove.bg`, providerCode: first.code };
  if (code === "out_of_credits") return { code, message: `remove.bg has no credits left on this account (${said}): buy credits or a subscription`, providerCode: first.code };
  return { code, message: `remove.bg: ${said}`, providerCode: first.code };
}

/** The credits a successful call reports; undefined when the header is missing or unreadable. */
export function creditsCharged(headers: Headers): number | undefined {
  const raw = headers.get("x-credits-charged");
  if (raw === null || raw.trim() === "") return undefined;
  const credits = Number(raw);
  return Number.isFinite(credits) && credits >= 0 ? credits : undefined;
}

function usageFor(credits: number): Usage {
  return { unit: "credit", units: credits, costMicros: Math.round(credits * REMOVEBG_MICROS_PER_CREDIT) };
}

export function createRemovebgRemover(config: ProviderConfig, ctx: ProviderContext): TestableRemover {
  const baseUrl = config.baseUrl.replace(/\/+$/, "");

  return {
    id: "removebg",
    label: LABEL,

    estimate: () => usageFor(CREDITS_PER_FULL_IMAGE),

    async remove(input, options = {}) {
      checkRemovalInput(SOURCE, LABEL, input);
      const form = new FormData();
      form.append("image_file", new Blob([new Uint8Array(input.bytes)], { type: input.contentType }), uploadFileName(input.contentType));
      // "full", not "auto": auto quietly falls back to a 0.25-megapixel preview when credits run short.
      form.append("size", "full");
      form.append("format", "png");
      form.append("channels", "rgba");
      const answer = await postForImage(SOURCE, LABEL, ctx, { url: `${baseUrl}/removebg`, headers: { "x-api-key": config.apiKey, accept: "image/png" }, body: form, signal: options.signal }, classifyRemovebgError);
      let bytes = answer.bytes;
      if (answer.contentType.includes("json")) {
        let json: unknown;
        try {
          json = JSON.parse(bytes.toString("utf8"));
        } catch {
          throw new ProviderError(SOURCE, "bad_response", "remove.bg answered 200 with malformed JSON");
        }
        bytes = Buffer.from(parseProviderBody(SOURCE, jsonResultSchema, json, "JSON result").data.result_b64, "base64");
      }
      const png = requireCutout(SOURCE, LABEL, bytes);
      const width = Number(answer.headers.get("x-width") ?? png.width);
      const height = Number(answer.headers.get("x-height") ?? png.height);
      if (width !== png.width || height !== png.height) throw new ProviderError(SOURCE, "bad_response", `remove.bg said the result is ${width}×${height} but sent a ${png.width}×${png.height} PNG`);
      // The result is here and paid for; a missing credits header must not make the caller pay again, so the estimate stands in.
      return { bytes, contentType: PNG_CONTENT_TYPE, usage: usageFor(creditsCharged(answer.headers) ?? CREDITS_PER_FULL_IMAGE) };
    },

    async testConnection() {
      // GET /account is free, checks the key and tells whether credits are left.
      try {
        const { body } = await providerRequest(SOURCE, ctx, { url: `${baseUrl}/account`, headers: { "x-api-key": config.apiKey } }, classifyRemovebgError);
        const { credits } = parseProviderBody(SOURCE, accountSchema, body, "account answer").data.attributes;
        if (credits.total < CREDITS_PER_FULL_IMAGE) return { ok: false, message: `remove.bg accepted the key, but the account has ${credits.total} credits: full-size cut-outs need ${CREDITS_PER_FULL_IMAGE} each; buy credits or a subscription` };
        return { ok: true };
      } catch (error) {
        if (error instanceof ProviderError && error.code === "auth") return { ok: false, message: "remove.bg rejected the API key: check it in Settings" };
        return { ok: false, message: error instanceof Error ? error.message : "remove.bg could not be reached" };
      }
    },
  };
}
