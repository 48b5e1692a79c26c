import type { PanelError } from "../../extensions/shared/panel-contract";
import { env } from "../config/env";
import { authenticate } from "../shopify.server";
import { staffActorOf } from "../shopify/require-shop-admin.server";

/**
 * Authentication and answers for the admin UI extensions' endpoints. The
 * extension runs on the admin's origin and its fetch carries an ID token
 * (Bearer): `authenticate.admin` verifies it (signature, expiry, audience),
 * answers an OPTIONS preflight itself, and gives the `cors` helper every
 * answer of ours goes through. Deliberately not requireShopAdmin: in demo
 * mode that one skips the token, and these endpoints always need one.
 */
export interface ExtensionContext {
  shopId: string;
  actor: string;
  demo: boolean;
  /** Answers JSON through authenticate.admin's cors helper. */
  json: (body: unknown, status?: number) => Response;
}

export async function authenticateExtension(request: Request): Promise<ExtensionContext> {
  const { session, sessionToken, cors } = await authenticate.admin(request);
  return {
    shopId: session.shop,
    actor: staffActorOf(session, sessionToken),
    demo: env().demo,
    json: (body, status = 200) => cors(Response.json(body, { status, headers: { "Cache-Control": "no-store" } })),
  };
}

/**
 * Runs an endpoint: the Responses authenticate.admin throws (401, the 204
 * preflight) already carry the CORS headers and pass through; an unexpected
 * error becomes a 500 the extension can read, with CORS headers too.
 */
export async function handleExtensionRequest(request: Request, run: (context: ExtensionContext) => Promise<Response>): Promise<Response> {
  const context = await authenticateExtension(request);
  try {
    return await run(context);
  } catch (error) {
    if (error instanceof Response) throw error;
    console.error("extension endpoint failed", request.method, new URL(request.url).pathname, error);
    const body: PanelError = { ok: false, error: "Shotlane could not answer: try again in a moment; if it keeps failing, open Shotlane's Production page" };
    return context.json(body, 500);
  }
}

export const methodNotAllowed = (context: ExtensionContext, use: "GET" | "POST"): Response => context.json({ ok: false, error: `Use ${use} for this address` } satisfies PanelError, 405);
