import { BlockStack, Box, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { NAMING_PLACEHOLDERS, renderFileName, validateNamingTemplate } from "../imaging/file-naming";

/** The file extension a rendition gets for its channel's format (as the worker names them). */
const EXTENSIONS: Record<string, string> = { jpeg: "jpg", webp: "webp", avif: "avif", png: "png" };

/** A sample product the preview names files for. */
export const NAMING_SAMPLE = { sku: "LIN-SHIRT-WHT-M", handle: "linen-shirt", view: "front", colour: "white", index: 1, productId: "8012345678901" } as const;
const PREVIEW_LIMIT = 3;

interface PreviewChannel {
  id: string;
  format: string;
}

/** The names the template gives the sample product's front image on each channel, or why it cannot name them. */
export function previewFileNames(template: string, channels: PreviewChannel[]): { names: string[]; issues: string[] } {
  const issues = validateNamingTemplate(template.trim());
  if (issues.length > 0) return { names: [], issues };
  const names = channels.slice(0, PREVIEW_LIMIT).map((channel) => renderFileName(template.trim(), { ...NAMING_SAMPLE, channel: channel.id, ext: EXTENSIONS[channel.format] ?? channel.format }));
  return { names, issues };
}

/** The shop's file naming template with its live preview; `error` is the server's verdict on the last save. */
export function NamingTemplateField({
  value,
  onChange,
  channels,
  defaultTemplate,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  /** Enabled channels, in order. */
  channels: PreviewChannel[];
  defaultTemplate: string;
  error?: string;
}) {
  const { names, issues } = previewFileNames(value, channels);
  // Problems found while typing come first; the server's message stays until the template is edited.
  const shown = issues.length > 0 ? issues.join("; ") : error;
  return (
    <BlockStack gap="300">
      <TextField
        label="File name template"
        value={value}
        onChange={onChange}
        autoComplete="off"
        monospaced
        error={shown}
        helpText={`Placeholders: ${NAMING_PLACEHOLDERS.map((name) => `{${name}}`).join(" ")}. Besides them, letters, digits, dashes, underscores and dots; names are lower-cased.`}
        connectedRight={
          <Button onClick={() => onChange(defaultTemplate)} disabled={value === defaultTemplate}>
            Use default
          </Button>
        }
      />
      <Box background="bg-surface-secondary" padding="300" borderRadius="200">
        <BlockStack gap="100">
          <Text as="p" variant="headingSm">
            {`Preview: SKU ${NAMING_SAMPLE.sku}, ${NAMING_SAMPLE.view} view`}
          </Text>
          {names.length > 0 ? (
            <ul aria-label="File name preview" style={{ margin: 0, paddingInlineStart: "1.25rem" }}>
              {names.map((name, index) => (
                <li key={`${channels[index].id}-${index}`}>
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span" fontWeight="medium">
                      <code>{name}</code>
                    </Text>
                    <Text as="span" tone="subdued" variant="bodySm">
                      {channels[index].id}
                    </Text>
                  </InlineStack>
                </li>
              ))}
            </ul>
          ) : (
            <Text as="p" tone="subdued">
              {issues.length > 0 ? "Fix the template to see example names." : "Enable a channel to see example names."}
            </Text>
          )}
          {channels.length > PREVIEW_LIMIT ? (
            <Text as="p" tone="subdued" variant="bodySm">
              {`and ${channels.length - PREVIEW_LIMIT} more channel${channels.length - PREVIEW_LIMIT > 1 ? "s" : ""}`}
            </Text>
          ) : null}
        </BlockStack>
      </Box>
    </BlockStack>
  );
}
