import { Badge, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

interface VersionRow {
  id: string;
  version: number;
  createdBy: string;
  createdAt: string;
  note: string | null;
}

/** "2026-11-23 10:15 UTC": the same text on the server and in the browser, whatever their time zones. */
function formatWhen(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function formatWho(actor: string): string {
  if (actor === "system:defaults") return "Shotlane (defaults)";
  if (actor === "user:demo") return "Demo user";
  return actor.replace(/^user:/, "Staff ");
}

export function RecipeHistoryCard({ categoryName, currentVersion, versions }: { categoryName: string; currentVersion: number; versions: VersionRow[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Version history: {categoryName}
        </Text>
        <ul aria-label="Version history" style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "12px" }}>
          {versions.map((v) => (
            <li key={v.id}>
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span" variant="headingSm">
                    Version {v.version}
                  </Text>
                  {v.version === currentVersion ? <Badge tone="success">Current</Badge> : null}
                </InlineStack>
                <Text as="p" tone="subdued" variant="bodySm">
                  {formatWho(v.createdBy)} · {formatWhen(v.createdAt)}
                </Text>
                {v.note ? <Text as="p">{v.note}</Text> : null}
              </BlockStack>
            </li>
          ))}
        </ul>
      </BlockStack>
    </Card>
  );
}
