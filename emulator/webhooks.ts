import { createHmac, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import type { MediaRecord, ProductRecord } from "./store";

export interface WebhookSubscription {
  topics: string[];
  /** Path on the app, relative to `appUrl`. */
  uri: string;
}

export interface WebhookConfig {
  /** Where the app listens; without it nothing is delivered (or recorded). */
  appUrl?: string;
  /** The app's client secret: signs every body. */
  apiSecret: string;
  subscriptions: WebhookSubscription[];
  log?: (line: string) => void;
  /** Pause before each retry, times the attempt number. */
  retryDelayMs?: number;
}

export interface DeliveryAttempt {
  /** HTTP status, or null when the request failed (connection refused, timeout). */
  status: number | null;
  error: string | null;
  ms: number;
  at: string;
}

export interface WebhookDelivery {
  id: string;
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  uri: string;
  body: string;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
}

/** Shopify's signature: base64 HMAC-SHA256 of the raw body with the app's client secret. */
export function signWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** A product in the REST shape Shopify's products/create and products/update webhooks carry. */
export function productWebhookPayload(product: ProductRecord, media: MediaRecord[], urlOf: (media: MediaRecord) => string) {
  const optionNames = ["Color", "Size"] as const;
  // Variant media (productVariantAppendMedia) shows both ways: media and images list their variants, a variant its image.
  const variantIdsOf = (mediaId: number) => product.variants.filter((v) => v.mediaIds?.includes(mediaId)).map((v) => v.id);
  const images = media
    .filter((m) => m.kind === "IMAGE" && m.status === "READY")
    .map((m, index) => ({
      id: m.id,
      alt: m.alt,
      position: index + 1,
      product_id: product.id,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
      admin_graphql_api_id: `gid://shopify/ProductImage/${m.id}`,
      width: m.width,
      height: m.height,
      src: urlOf(m),
      variant_ids: variantIdsOf(m.id),
    }));
  const imageIds = new Set(images.map((i) => i.id));
  return {
    admin_graphql_api_id: `gid://shopify/Product/${product.id}`,
    body_html: product.descriptionHtml,
    created_at: product.createdAt,
    handle: product.handle,
    id: product.id,
    product_type: product.productType,
    published_at: product.status === "ACTIVE" ? product.createdAt : null,
    template_suffix: null,
    title: product.title,
    updated_at: product.updatedAt,
    vendor: product.vendor,
    status: product.status.toLowerCase(),
    published_scope: "global",
    tags: product.tags.join(", "),
    variants: product.variants.map((v) => ({
      admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`,
      barcode: null,
      compare_at_price: null,
      created_at: product.createdAt,
      id: v.id,
      inventory_policy: "deny",
      position: v.position,
      price: v.price,
      product_id: product.id,
      sku: v.sku,
      taxable: true,
      title: v.title,
      updated_at: product.updatedAt,
      option1: v.options.Color,
      option2: v.options.Size,
      option3: null,
      // The REST image id (the emulator uses the media id); null unless the variant's media is a ready image.
      image_id: v.mediaIds?.find((id) => imageIds.has(id)) ?? null,
      inventory_item_id: v.id + 1_000_000_000,
      inventory_quantity: 0,
    })),
    options: optionNames.map((name, i) => ({
      name,
      id: product.id * 10 + i + 1,
      product_id: product.id,
      position: i + 1,
      values: name === "Color" ? product.colors : product.sizes,
    })),
    images,
    image: images[0] ?? null,
    media: media.map((m, index) => ({
      id: m.id,
      product_id: product.id,
      position: index + 1,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
      alt: m.alt,
      status: m.status,
      media_content_type: m.kind,
      preview_image: m.kind === "IMAGE" && m.status === "READY" ? { width: m.width, height: m.height, src: urlOf(m), status: "READY" } : null,
      variant_ids: variantIdsOf(m.id),
      admin_graphql_api_id: `gid://shopify/${m.kind === "VIDEO" ? "Video" : "MediaImage"}/${m.id}`,
    })),
    variant_gids: product.variants.map((v) => ({ admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`, updated_at: product.updatedAt })),
    has_variants_that_requires_components: false,
    category: null,
  };
}

/** Deliveries kept for inspection; the oldest go first. */
const MAX_RECORDED = 10_000;
const ATTEMPTS = 3;

/**
 * Delivers webhooks as Shopify does: JSON body, HMAC of the raw body, and the
 * real delivery headers. Asynchronous (never blocks the change that caused
 * it); a non-2xx answer is retried twice, quickly rather than over 4 hours.
 */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();

  constructor(private readonly config: WebhookConfig) {}

  /** One event: a delivery per subscription listing the topic, all with the same event id. */
  emit(shop: string, topic: string, payload: unknown): WebhookDelivery[] {
    if (!this.config.appUrl || this.closing.signal.aborted) return [];
    const body = JSON.stringify(payload);
    const eventId = randomUUID();
    const triggeredAt = new Date().toISOString();
    return this.config.subscriptions
      .filter((s) => s.topics.includes(topic))
      .map((subscription) => {
        const delivery: WebhookDelivery = { id: randomUUID(), shop, topic, webhookId: randomUUID(), eventId, triggeredAt, uri: subscription.uri, body, state: "pending", attempts: [] };
        this.deliveries.push(delivery);
        if (this.deliveries.length > MAX_RECORDED) this.deliveries.splice(0, this.deliveries.length - MAX_RECORDED);
        this.track(this.send(delivery, ATTEMPTS));
        return delivery;
      });
  }

  forShop(shop: string): WebhookDelivery[] {
    return this.deliveries.filter((d) => d.shop === shop);
  }

  /** Sends a delivery again, byte for byte with the same webhook id: a duplicate, as Shopify can send. */
  async redeliver(deliveryId: string): Promise<WebhookDelivery | undefined> {
    const delivery = this.deliveries.find((d) => d.id === deliveryId);
    if (!delivery) return undefined;
    const sending = this.send(delivery, 1);
    this.track(sending);
    await sending;
    return delivery;
  }

  /** Resolves when no delivery is in flight (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops retries and aborts requests in flight. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.idle();
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private async send(delivery: WebhookDelivery, attempts: number): Promise<void> {
    const url = new URL(delivery.uri, this.config.appUrl).toString();
    for (let attempt = 1; attempt <= attempts && !this.closing.signal.aborted; attempt++) {
      const started = Date.now();
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-Shopify-Topic": delivery.topic,
            "X-Shopify-Hmac-Sha256": signWebhook(delivery.body, this.config.apiSecret),
            "X-Shopify-Shop-Domain": delivery.shop,
            "X-Shopify-API-Version": ADMIN_API_VERSION,
            "X-Shopify-Webhook-Id": delivery.webhookId,
            "X-Shopify-Event-Id": delivery.eventId,
            "X-Shopify-Triggered-At": delivery.triggeredAt,
          },
          body: delivery.body,
          // Shopify waits 5 s for an answer.
          signal: AbortSignal.any([AbortSignal.timeout(5000), this.closing.signal]),
        });
        await response.arrayBuffer().catch(() => undefined);
        delivery.attempts.push({ status: response.status, error: null, ms: Date.now() - started, at: new Date(started).toISOString() });
        if (response.ok) {
          delivery.state = "delivered";
          return;
        }
      } catch (error) {
        delivery.attempts.push({ status: null, error: (error as Error).message, ms: Date.now() - started, at: new Date(started).toISOString() });
      }
      if (attempt < attempts) await sleep((this.config.retryDelayMs ?? 200) * attempt, undefined, { signal: this.closing.signal }).catch(() => undefined);
    }
    delivery.state = "failed";
    this.config.log?.(`webhook ${delivery.topic} to ${delivery.uri} was not acknowledged after ${delivery.attempts.length} attempt(s)`);
  }
}
