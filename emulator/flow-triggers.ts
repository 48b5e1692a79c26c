import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { z } from "zod";
import type { ApiContext } from "./objects";
import type { ShopState } from "./store";

/**
 * Shopify Flow's receiving side of `flowTriggerReceive`: the trigger handles
 * the app declared (its `flow_trigger` extensions), each payload checked
 * against the trigger's fields as Flow documents them (at most 50 KB; a
 * reference field under `<resource>_id` with the numeric id; custom fields
 * under their key, of their type), and every accepted trigger recorded so
 * tests and the demo can see what Flow would have started workflows with.
 * The userError messages are the emulator's own wording.
 */

/** Flow refuses trigger payloads over 50 KB. */
export const FLOW_TRIGGER_PAYLOAD_LIMIT_BYTES = 50 * 1024;
/** Received triggers kept per shop (the oldest go first). */
const KEEP_PER_SHOP = 10_000;

/** Reference field types and the payload key each is sent under. */
export const REFERENCE_FIELD_KEYS: Record<string, string> = {
  customer_reference: "customer_id",
  order_reference: "order_id",
  product_reference: "product_id",
  product_variant_reference: "product_variant_id",
  marketing_activity_reference: "marketing_activity_id",
  abandonment_reference: "abandonment_id",
};

/** Custom field types a trigger may declare, and what a value of each must be. */
const CUSTOM_FIELD_TYPES: Record<string, { what: string; ok: (value: unknown) => boolean }> = {
  boolean: { what: "true or false", ok: (v) => typeof v === "boolean" },
  email: { what: "an email address", ok: (v) => typeof v === "string" && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) },
  single_line_text_field: { what: "a single line of text", ok: (v) => typeof v === "string" && !/[\r\n]/.test(v) },
  number_decimal: { what: "a number", ok: (v) => typeof v === "number" && Number.isFinite(v) },
  url: { what: "a URL", ok: (v) => typeof v === "string" && URL.canParse(v) },
};

export interface FlowTriggerField {
  type: string;
  /** The payload key: a custom field's key, or `<resource>_id` for a reference. */
  key: string;
}

export interface FlowTriggerDefinition {
  handle: string;
  fields: FlowTriggerField[];
}

const tomlSchema = z.object({
  extensions: z.array(
    z.object({
      type: z.string(),
      handle: z.string().regex(/^[a-z0-9-]{1,30}$/, "must be at most 30 letters, digits and hyphens"),
    }),
  ),
  settings: z.object({ fields: z.array(z.object({ type: z.string(), key: z.string().optional() })).default([]) }).default({ fields: [] }),
});

/** A trigger extension's toml as Flow reads it; null when the toml declares something else. Unknown field types are refused. */
export function triggerDefinitionFromToml(text: string, source = "shopify.extension.toml"): FlowTriggerDefinition | null {
  const toml = tomlSchema.parse(parse(text));
  const extension = toml.extensions[0];
  if (!extension || extension.type !== "flow_trigger") return null;
  const fields = toml.settings.fields.map((field) => {
    const referenceKey = REFERENCE_FIELD_KEYS[field.type];
    if (referenceKey) return { type: field.type, key: referenceKey };
    if (!CUSTOM_FIELD_TYPES[field.type]) throw new Error(`${source}: field type ${field.type} is not a Flow trigger field type (${[...Object.keys(REFERENCE_FIELD_KEYS), ...Object.keys(CUSTOM_FIELD_TYPES)].join(", ")})`);
    if (!field.key || !/^[A-Za-z ]{1,64}$/.test(field.key)) throw new Error(`${source}: the ${field.type} field needs a key of letters and spaces (at most 64)`);
    return { type: field.type, key: field.key };
  });
  return { handle: extension.handle, fields };
}

/** Every flow_trigger extension under `dir` (by default the app's extensions/ folder). */
export function loadFlowTriggerDefinitions(dir = fileURLToPath(new URL("../extensions", import.meta.url))): FlowTriggerDefinition[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "shopify.extension.toml")))
    .map((entry) => {
      const file = path.join(dir, entry.name, "shopify.extension.toml");
      return triggerDefinitionFromToml(readFileSync(file, "utf8"), file);
    })
    .filter((definition): definition is FlowTriggerDefinition => definition !== null);
}

export interface TriggerUserError {
  field: string[];
  message: string;
}

/** What is wrong with a payload for this trigger (empty when Flow would take it). */
export function triggerPayloadErrors(definition: FlowTriggerDefinition, payload: unknown, productExists: (id: number) => boolean = () => true): TriggerUserError[] {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return [{ field: ["payload"], message: "Payload must be a JSON object of the trigger's fields" }];
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  if (bytes > FLOW_TRIGGER_PAYLOAD_LIMIT_BYTES) return [{ field: ["payload"], message: `Payload is ${bytes} bytes; the limit is ${FLOW_TRIGGER_PAYLOAD_LIMIT_BYTES} bytes (50 KB)` }];
  const values = payload as Record<string, unknown>;
  const errors: TriggerUserError[] = [];
  for (const field of definition.fields) {
    const value = values[field.key];
    if (value === undefined || value === null) {
      errors.push({ field: ["payload", field.key], message: `${field.key} is required by trigger ${definition.handle}` });
      continue;
    }
    if (REFERENCE_FIELD_KEYS[field.type]) {
      const id = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(id) || id <= 0) errors.push({ field: ["payload", field.key], message: `${field.key} must be the numeric id of the ${field.type.replace(/_reference$/, "").replace(/_/g, " ")}, not ${JSON.stringify(value)}` });
      else if (field.type === "product_reference" && !productExists(id)) errors.push({ field: ["payload", field.key], message: `${field.key} ${id} is not a product of this shop` });
      continue;
    }
    const type = CUSTOM_FIELD_TYPES[field.type]!;
    if (!type.ok(value)) errors.push({ field: ["payload", field.key], message: `${field.key} must be ${type.what} (${field.type}), not ${JSON.stringify(value)}` });
  }
  const known = new Set(definition.fields.map((f) => f.key));
  for (const key of Object.keys(values)) if (!known.has(key)) errors.push({ field: ["payload", key], message: `${key} is not a field of trigger ${definition.handle} (its fields: ${[...known].join(", ")})` });
  return errors;
}

export interface ReceivedFlowTrigger {
  id: number;
  handle: string;
  payload: Record<string, unknown>;
  receivedAt: string;
}

/** The triggers the app may send and the ones each shop received. */
export class FlowTriggerInbox {
  private readonly definitions: Map<string, FlowTriggerDefinition>;
  private readonly byShop = new Map<string, ReceivedFlowTrigger[]>();
  private nextId = 1;

  constructor(definitions: readonly FlowTriggerDefinition[]) {
    this.definitions = new Map(definitions.map((d) => [d.handle, d]));
  }

  handles(): string[] {
    return [...this.definitions.keys()];
  }

  /** flowTriggerReceive: records the trigger, or answers why Flow would not take it. */
  receive(shop: ShopState, args: { handle?: string | null; payload?: unknown; body?: string | null }): TriggerUserError[] {
    if (args.body != null) return [{ field: ["body"], message: "body is deprecated: send handle and payload instead" }];
    if (!args.handle) return [{ field: ["handle"], message: "handle is required: the trigger extension's handle" }];
    const definition = this.definitions.get(args.handle);
    if (!definition) return [{ field: ["handle"], message: `No trigger with handle ${args.handle} in this app (its triggers: ${this.handles().join(", ") || "none"})` }];
    const errors = triggerPayloadErrors(definition, args.payload, (id) => shop.products.has(id));
    if (errors.length > 0) return errors;
    const received = this.byShop.get(shop.domain) ?? [];
    received.push({ id: this.nextId++, handle: definition.handle, payload: args.payload as Record<string, unknown>, receivedAt: new Date().toISOString() });
    if (received.length > KEEP_PER_SHOP) received.splice(0, received.length - KEEP_PER_SHOP);
    this.byShop.set(shop.domain, received);
    return [];
  }

  /** The triggers a shop received, oldest first (optionally of one handle). */
  received(domain: string, handle?: string): ReceivedFlowTrigger[] {
    return (this.byShop.get(domain) ?? []).filter((t) => !handle || t.handle === handle);
  }
}

export function flowMutationRoot(inbox: FlowTriggerInbox, ctx: ApiContext) {
  return {
    flowTriggerReceive: (args: { handle?: string | null; payload?: unknown; body?: string | null }) => ({ __typename: "FlowTriggerReceivePayload", userErrors: inbox.receive(ctx.shop, args) }),
  };
}
