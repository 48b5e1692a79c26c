import type { AddressInfo } from "node:net";
import { createReadableStreamFromReadable, writeReadableStreamToWritable } from "@remix-run/node";
import express from "express";
import sharp from "sharp";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import * as assignRoute from "../../app/routes/api.studio.uploads.$id.assign";
import * as uploadRoute from "../../app/routes/api.studio.uploads.$id";
import * as uploadsRoute from "../../app/routes/api.studio.uploads";
import { TEST_API_KEY, TEST_API_SECRET } from "./test-env";

type RouteArgs = { request: Request; params: Record<string, string>; context: Record<string, unknown> };
type RouteModule = { loader?: (args: RouteArgs) => Promise<Response>; action?: (args: RouteArgs) => Promise<Response> };

/**
 * A studio file as a studio delivers it: a real JPEG of a garment block on a
 * light backdrop, `seed` tinting it (every seed gives different bytes) and
 * writing its number on it.
 */
export async function studioJpeg(seed: number, { width = 480, height = 600, quality = 82 }: { width?: number; height?: number; quality?: number } = {}): Promise<Buffer> {
  const hue = (seed * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#f4f2ef"/>
    <rect x="${width * 0.25}" y="${height * 0.15}" width="${width * 0.5}" height="${height * 0.7}" rx="${width * 0.06}" fill="hsl(${hue},55%,45%)"/>
    <text x="${width / 2}" y="${height * 0.94}" font-size="${Math.round(height / 20)}" text-anchor="middle" fill="#333">${seed}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality }).toBuffer();
}

/** A session-token Authorization header for the shop (the embedded admin's fetch carries one). */
export async function shopBearer(shop: string, userId = "64"): Promise<string> {
  return `Bearer ${(await getJwt(shop.replace(".myshopify.com", ""), TEST_API_KEY, TEST_API_SECRET, { sub: userId })).token}`;
}

/**
 * The studio upload API routes behind Express and Remix's own request adapter
 * (createRemixRequest streams the body, as in server.ts), on a loopback port:
 * real HTTP, chunked bodies, aborted requests. A route that throws anything but
 * a Response is recorded in `failures`.
 */
export async function startStudioUploadApi(): Promise<{ url: string; failures: string[]; close(): Promise<void> }> {
  const failures: string[] = [];
  const app = express();
  const serve = (route: RouteModule) => (req: express.Request, res: express.Response) => {
    void (async () => {
      let response: Response;
      try {
        // As @remix-run/express builds it: the body streamed from the socket, aborted when the client goes away.
        const controller = new AbortController();
        res.on("close", () => controller.abort());
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
        const hasBody = req.method !== "GET" && req.method !== "HEAD";
        const request = new Request(`http://${req.headers.host}${req.originalUrl}`, {
          method: req.method,
          headers,
          signal: controller.signal,
          ...(hasBody ? { body: createReadableStreamFromReadable(req), duplex: "half" } : {}),
        } as RequestInit);
        const handler = hasBody ? route.action : route.loader;
        response = handler ? await handler({ request, params: req.params as Record<string, string>, context: {} }) : new Response(null, { status: 405 });
      } catch (error) {
        if (!(error instanceof Response)) failures.push(`${req.method} ${req.originalUrl}: ${(error as Error).stack ?? String(error)}`);
        response = error instanceof Response ? error : new Response("Unexpected Server Error", { status: 500 });
      }
      if (res.destroyed) return;
      res.status(response.status);
      for (const [name, value] of response.headers.entries()) res.append(name, value);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    })().catch((error: Error) => failures.push(`${req.method} ${req.originalUrl}: writing the answer: ${error.message}`));
  };
  app.all("/api/studio/uploads", serve(uploadsRoute));
  app.all("/api/studio/uploads/:id", serve(uploadRoute));
  app.all("/api/studio/uploads/:id/assign", serve(assignRoute));
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failures,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
