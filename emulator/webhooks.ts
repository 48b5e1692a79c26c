import { createHmac, randomUUID } from "node:crypto";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import type { EmulatorStore, ProductRecord, ShopState, WebhookDelivery } from "./store";

export interface WebhookTarget {
  appUrl?: string;
  apiSecret: string;
  subscriptions: { topics: string[]; uri: string }[];
  log?: (line: string) => void;
}

export function signWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** A product in the REST shape Shopify's product webhooks carry. */
export function productWebhookPayload(product: ProductRecord, imageUrl: (mediaId: number) => string) {
  const options = [
    { name: "Color", values: product.colors },
    { name: "Size", values: product.sizes },
  ];
  const images = product.mediaIds.map((mediaId, index) => ({
    id: mediaId,
    product_id: product.id,
    position: index + 1,
    alt: null,
    width: 800,
    height: 1000,
    src: imageUrl(mediaId),
    variant_ids: [],
    admin_graphql_api_id: `gid://shopify/ProductImage/${mediaId}`,
  }));
  return {
    id: product.id,
    title: product.title,
    body_html: product.descriptionHtml,
    vendor: product.vendor,
    product_type: product.productType,
    created_at: product.createdAt,
    handle: product.handle,
    updated_at: product.updatedAt,
    published_at: product.status === "ACTIVE" ? product.createdAt : null,
    template_suffix: null,
    published_scope: "global",
    tags: product.tags.join(", "),
    status: product.status.toLowerCase(),
    admin_graphql_api_id: `gid://shopify/Product/${product.id}`,
    variants: product.variants.map((v) => ({
      id: v.id,
      product_id: product.id,
      title: v.title,
      price: v.price,
      sku: v.sku,
      position: v.position,
      option1: v.options.Color,
      option2: v.options.Size,
      option3: null,
      created_at: product.createdAt,
      updated_at: product.updatedAt,
      inventory_quantity: 0,
      admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`,
    })),
    options: options.map((o, i) => ({ id: product.id * 10 + i + 1, product_id: product.id, name: o.name, position: i + 1, values: o.values })),
    images,
    image: images[0] ?? null,
    media: product.mediaIds.map((id, index) => ({ id, product_id: product.id, position: index + 1, media_content_type: "IMAGE", admin_graphql_api_id: `gid://shopify/MediaImage/${id}` })),
  };
}

/**
 * Delivers webhooks as Shopify does: JSON body, HMAC-SHA256 of the raw body
 * with the app's secret, and the real delivery headers. Asynchronous; a non-2xx
 * answer is retried twice quickly.
 */
export class WebhookDispatcher {
  constructor(
    private readonly store: EmulatorStore,
    private readonly target: WebhookTarget,
  ) {}

  emit(shop: ShopState, topic: string, payload: unknown): WebhookDelivery[] {
    const deliveries: WebhookDelivery[] = [];
    if (!this.target.appUrl) return deliveries;
    const body = JSON.stringify(payload);
    const eventId = randomUUID();
    for (const subscription of this.target.subscriptions.filter((s) => s.topics.includes(topic))) {
      const delivery: WebhookDelivery = {
        id: randomUUID(),
        shop: shop.domain,
        topic,
        webhookId: randomUUID(),
        eventId,
        triggeredAt: new Date().toISOString(),
        uri: subscription.uri,
        body,
        attempts: [],
      };
      this.store.deliveries.push(delivery);
      deliveries.push(delivery);
      void this.send(delivery, 3);
    }
    return deliveries;
  }

  /** Sends a delivery again with the same body and webhook id (a duplicate, as Shopify can send). */
  async redeliver(deliveryId: string): Promise<WebhookDelivery | undefined> {
    const delivery = this.store.deliveries.find((d) => d.id === deliveryId);
    if (delivery) await this.send(delivery, 1);
    return delivery;
  }

  private async send(delivery: WebhookDelivery, tries: number): Promise<void> {
    for (let attempt = 0; attempt < tries; attempt++) {
      const started = Date.now();
      try {
        const response = await fetch(new URL(delivery.uri, this.target.appUrl).toString(), {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-Shopify-Topic": delivery.topic,
            "X-Shopify-Hmac-Sha256": signWebhook(delivery.body, this.target.apiSecret),
            "X-Shopify-Shop-Domain": delivery.shop,
            "X-Shopify-API-Version": ADMIN_API_VERSION,
            "X-Shopify-Webhook-Id": delivery.webhookId,
            "X-Shopify-Event-Id": delivery.eventId,
            "X-Shopify-Triggered-At": delivery.triggeredAt,
          },
          body: delivery.body,
          signal: AbortSignal.timeout(5000),
        });
        delivery.attempts.push({ status: response.status, error: null, ms: Date.now() - started, at: new Date().toISOString() });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
      } catch (error) {
        delivery.attempts.push({ status: null, error: (error as Error).message, ms: Date.now() - started, at: new Date().toISOString() });
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
    this.target.log?.(`webhook ${delivery.topic} to ${delivery.uri} was not acknowledged after ${tries} attempt(s)`);
  }
}
