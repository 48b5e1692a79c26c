import type http from "node:http";
import { HttpError, sendBytes } from "./http-util";
import { renderFlatLay } from "./render-flat-lay";
import type { EmulatorStore } from "./store";

/**
 * GET /cdn/{shop}/products/{productId}/flat-lay.png renders a seed product's
 * flat-lay on first request (sharp, deterministic) and keeps the most recently
 * used ones in memory; GET /cdn/{shop}/files/{mediaId}/{name} serves uploaded
 * media once it is READY.
 */
export class Cdn {
  /** Map order is recency: a hit moves the entry to the end, the first entry is evicted. */
  private readonly rendered = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly store: EmulatorStore,
    private readonly maxEntries = 300,
  ) {}

  async handle(res: http.ServerResponse, parts: string[]): Promise<void> {
    const [domain, kind, id] = parts;
    const shop = this.store.requireShop(domain);
    if (kind === "products") {
      const product = shop.products.get(Number(id));
      if (!product?.flatLay) throw new HttpError(404, "No such image");
      return sendBytes(res, "image/png", await this.flatLay(`${domain}/${product.id}`, () => renderFlatLay(product.flatLay!)));
    }
    const media = kind === "files" ? this.store.media.get(Number(id)) : undefined;
    if (!media?.bytes || media.shop !== domain || media.status !== "READY") throw new HttpError(404, "No such file (or it is still processing)");
    sendBytes(res, media.mimeType, media.bytes);
  }

  /** Concurrent requests for one image share one render. */
  private flatLay(key: string, render: () => Promise<Buffer>): Promise<Buffer> {
    const cached = this.rendered.get(key);
    if (cached) {
      this.rendered.delete(key);
      this.rendered.set(key, cached);
      return cached;
    }
    const rendering = render();
    rendering.catch(() => this.rendered.delete(key));
    this.rendered.set(key, rendering);
    if (this.rendered.size > this.maxEntries) this.rendered.delete(this.rendered.keys().next().value!);
    return rendering;
  }
}
