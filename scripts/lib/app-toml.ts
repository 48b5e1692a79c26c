import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { z } from "zod";

const tomlSchema = z.object({
  access_scopes: z.object({ scopes: z.string() }),
  webhooks: z.object({
    api_version: z.string(),
    subscriptions: z.array(
      z.object({ topics: z.array(z.string()).optional(), compliance_topics: z.array(z.string()).optional(), uri: z.string().startsWith("/") }),
    ),
  }),
});

export type AppToml = z.infer<typeof tomlSchema>;

/** shopify.app.toml, parsed and checked. */
export function readAppToml(file = "shopify.app.toml"): AppToml {
  return tomlSchema.parse(parse(readFileSync(file, "utf8")));
}

/** Every subscription as `{ topics, uri }`, compliance topics included (Shopify delivers both alike). */
export function webhookSubscriptions(toml: AppToml = readAppToml()): { topics: string[]; uri: string }[] {
  return toml.webhooks.subscriptions.map((s) => ({ topics: [...(s.topics ?? []), ...(s.compliance_topics ?? [])], uri: s.uri }));
}
