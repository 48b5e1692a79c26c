import { Badge, BlockStack, Box, Button, ButtonGroup, Checkbox, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { MAX_CHANNELS, type ChannelSpec } from "../imaging/channel-spec";

/**
 * One channel as the form holds it: numbers as typed (so nothing the
 * merchant entered is lost when the server refuses it), the minimum subject
 * fill in percent, and the colour kept while "transparent" is chosen.
 */
export interface ChannelDraft {
  /** React's key for the row; survives reordering, never sent. */
  key: string;
  id: string;
  label: string;
  width: string;
  height: string;
  format: ChannelSpec["format"];
  quality: string;
  transparent: boolean;
  colour: string;
  fit: ChannelSpec["fit"];
  /** Percent of the canvas, "" = none. */
  minSubjectFill: string;
  sharpen: boolean;
  enabled: boolean;
}

const FORMATS = [
  { label: "JPEG", value: "jpeg" },
  { label: "WebP", value: "webp" },
  { label: "AVIF", value: "avif" },
  { label: "PNG", value: "png" },
];
const FITS = [
  { label: "Frame (whole garment)", value: "frame" },
  { label: "Zoom (detail crop)", value: "zoom" },
];
const BACKGROUNDS = [
  { label: "Colour", value: "colour" },
  { label: "Transparent", value: "transparent" },
];

/** 0.85 → "85" without binary noise (0.07 × 100 = 7.000000000000001). */
function percentText(fraction: number | undefined): string {
  return fraction === undefined ? "" : String(Math.round(fraction * 10000) / 100);
}

export function toChannelDraft(spec: ChannelSpec, key: string): ChannelDraft {
  return {
    key,
    id: spec.id,
    label: spec.label,
    width: String(spec.width),
    height: String(spec.height),
    format: spec.format,
    quality: String(spec.quality),
    transparent: spec.background === "transparent",
    colour: spec.background === "transparent" ? "#FFFFFF" : spec.background,
    fit: spec.fit,
    minSubjectFill: percentText(spec.minSubjectFill),
    sharpen: spec.sharpen,
    enabled: spec.enabled,
  };
}

/** A typed number; an empty or unreadable entry is sent as null, which the server names as an error on that field. */
function typedNumber(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() === "" || !Number.isFinite(value) ? null : value;
}

/** What a typed percentage is wrong with, said in percent (the server checks the fraction it becomes). */
function percentIssue(text: string): string | undefined {
  if (text.trim() === "") return undefined;
  const value = typedNumber(text);
  if (value === null) return "enter a percentage such as 85, or leave it empty";
  if (value <= 0 || value > 100) return "enter a percentage above 0 and at most 100, or leave it empty";
  return undefined;
}

/** The list as the server's channel-spec schema reads it. */
export function fromChannelDrafts(drafts: ChannelDraft[]): unknown[] {
  return drafts.map((d) => {
    const fill = typedNumber(d.minSubjectFill);
    return {
      id: d.id,
      label: d.label,
      width: typedNumber(d.width),
      height: typedNumber(d.height),
      format: d.format,
      quality: typedNumber(d.quality),
      background: d.transparent ? "transparent" : d.colour,
      fit: d.fit,
      // Empty means none; anything unreadable goes as null so the server refuses it rather than dropping it.
      ...(d.minSubjectFill.trim() === "" ? {} : { minSubjectFill: fill === null ? null : Math.round(fill * 100) / 10000 }),
      sharpen: d.sharpen,
      enabled: d.enabled,
    };
  });
}

export function newChannelDraft(key: string, taken: string[]): ChannelDraft {
  let n = 1;
  while (taken.includes(`channel-${n}`)) n++;
  return { key, id: `channel-${n}`, label: `Channel ${n}`, width: "2048", height: "2048", format: "jpeg", quality: "85", transparent: false, colour: "#FFFFFF", fit: "frame", minSubjectFill: "", sharpen: true, enabled: true };
}

const FIELD_NAMES: Record<string, string> = {
  id: "id",
  label: "name",
  width: "width",
  height: "height",
  format: "format",
  quality: "quality",
  background: "background",
  fit: "fit",
  minSubjectFill: "minimum subject fill",
  sharpen: "sharpen",
  enabled: "on/off",
};

/**
 * The message for one field of one row: a percentage problem in percent, else
 * what the server said about the row at the position it had when it was sent.
 */
export function channelFieldError(draft: ChannelDraft, field: string, errors: Record<string, string>, submittedKeys: string[]): string | undefined {
  if (field === "minSubjectFill") {
    const issue = percentIssue(draft.minSubjectFill);
    if (issue) return issue;
  }
  const index = submittedKeys.indexOf(draft.key);
  if (index < 0) return undefined;
  const message = errors[`channels[${index}].${field}`];
  // The schema words the fill as a fraction; the form asks for percent.
  if (field === "minSubjectFill" && message && /fraction/.test(message)) return "enter a percentage above 0 and at most 100, or leave it empty";
  return message;
}

/** "channels[2].width" as the merchant sees it: "Channel 3 (Stories): width". */
export function describeChannelField(field: string, drafts: ChannelDraft[], submittedKeys: string[]): string | null {
  const match = /^channels\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (!match) return field === "channels" ? "Channels" : null;
  const key = submittedKeys[Number(match[1])];
  const position = drafts.findIndex((d) => d.key === key);
  const draft = drafts[position];
  const row = draft ? `Channel ${position + 1} (${draft.label || draft.id || "unnamed"})` : `Channel ${Number(match[1]) + 1} (removed since)`;
  return match[2] ? `${row}: ${FIELD_NAMES[match[2]] ?? match[2]}` : row;
}

interface Props {
  drafts: ChannelDraft[];
  onChange: (drafts: ChannelDraft[]) => void;
  onAdd: () => void;
  onReset: () => void;
  /** Field errors of the last save, keyed as the server names them ("channels[2].width"). */
  errors: Record<string, string>;
  /** The row keys in the order they were sent with the last save, to find the row an error is about. */
  submittedKeys: string[];
}

/** The shop's channel specs: one row per channel with every setting, reorderable; the whole list is saved at once. */
export function ChannelSpecsEditor({ drafts, onChange, onAdd, onReset, errors, submittedKeys }: Props) {
  const update = (key: string, patch: Partial<ChannelDraft>) => onChange(drafts.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...drafts];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    onChange(next);
  };
  const listError = errors.channels;

  return (
    <BlockStack gap="400">
      <Text as="p" tone="subdued">
        The id goes into file names (lower-case letters, digits and dashes, such as pdp-square). Quality is 1–100 (for PNG, which is lossless, it sets compression effort). Colours are #RRGGBB; transparency needs PNG, WebP or AVIF. Minimum subject fill (framed channels only) enlarges a garment
        that would fill less of the canvas than this share; marketplaces ask for 85%.
      </Text>
      {drafts.map((draft, index) => {
        const err = (field: string) => channelFieldError(draft, field, errors, submittedKeys);
        const rowError = submittedKeys.includes(draft.key) ? errors[`channels[${submittedKeys.indexOf(draft.key)}]`] : undefined;
        const name = draft.label.trim() || draft.id || "unnamed";
        return (
          <section key={draft.key} aria-label={`Channel ${index + 1}: ${name}`}>
            <Box borderColor="border" borderWidth="025" borderRadius="200" padding="300">
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h3" variant="headingSm">
                      {`${index + 1}. ${name}`}
                    </Text>
                    <Badge tone={draft.enabled ? "success" : undefined}>{draft.enabled ? "On" : "Off"}</Badge>
                  </InlineStack>
                  <InlineStack gap="300" blockAlign="center">
                    <Checkbox label="Enabled" checked={draft.enabled} onChange={(enabled) => update(draft.key, { enabled })} error={err("enabled")} />
                    <ButtonGroup>
                      <Button accessibilityLabel={`Move ${name} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                        Up
                      </Button>
                      <Button accessibilityLabel={`Move ${name} down`} disabled={index === drafts.length - 1} onClick={() => move(index, 1)}>
                        Down
                      </Button>
                      <Button tone="critical" accessibilityLabel={`Remove ${name}`} onClick={() => onChange(drafts.filter((d) => d.key !== draft.key))}>
                        Remove
                      </Button>
                    </ButtonGroup>
                  </InlineStack>
                </InlineStack>
                {rowError ? (
                  <Text as="p" tone="critical">
                    {rowError}
                  </Text>
                ) : null}
                <FormLayout>
                  <FormLayout.Group condensed>
                    <TextField label="Name" value={draft.label} onChange={(label) => update(draft.key, { label })} autoComplete="off" error={err("label")} />
                    <TextField label="Id" value={draft.id} onChange={(id) => update(draft.key, { id })} autoComplete="off" monospaced error={err("id")} />
                    <TextField label="Width" type="number" suffix="px" value={draft.width} onChange={(width) => update(draft.key, { width })} autoComplete="off" error={err("width")} />
                    <TextField label="Height" type="number" suffix="px" value={draft.height} onChange={(height) => update(draft.key, { height })} autoComplete="off" error={err("height")} />
                    <Select label="Format" options={FORMATS} value={draft.format} onChange={(format) => update(draft.key, { format: format as ChannelDraft["format"] })} error={err("format")} />
                    <TextField label="Quality" type="number" value={draft.quality} onChange={(quality) => update(draft.key, { quality })} autoComplete="off" error={err("quality")} />
                  </FormLayout.Group>
                  <FormLayout.Group condensed>
                    <Select
                      label="Background"
                      options={BACKGROUNDS}
                      value={draft.transparent ? "transparent" : "colour"}
                      onChange={(value) => update(draft.key, { transparent: value === "transparent" })}
                      error={draft.transparent ? err("background") : undefined}
                    />
                    <TextField
                      label="Background colour"
                      value={draft.colour}
                      onChange={(colour) => update(draft.key, { colour })}
                      autoComplete="off"
                      monospaced
                      disabled={draft.transparent}
                      prefix={<span aria-hidden style={{ display: "inline-block", width: 16, height: 16, borderRadius: 3, border: "1px solid #8a8a8a", background: /^#[0-9a-fA-F]{6}$/.test(draft.colour) ? draft.colour : "transparent" }} />}
                      error={draft.transparent ? undefined : err("background")}
                    />
                    <Select label="Fit" options={FITS} value={draft.fit} onChange={(fit) => update(draft.key, { fit: fit as ChannelDraft["fit"] })} error={err("fit")} />
                    <TextField
                      label="Minimum subject fill"
                      type="number"
                      suffix="%"
                      value={draft.minSubjectFill}
                      onChange={(minSubjectFill) => update(draft.key, { minSubjectFill })}
                      autoComplete="off"
                      placeholder="None"
                      error={err("minSubjectFill")}
                    />
                    <Box paddingBlockStart="600">
                      <Checkbox label="Sharpen after resizing" checked={draft.sharpen} onChange={(sharpen) => update(draft.key, { sharpen })} error={err("sharpen")} />
                    </Box>
                  </FormLayout.Group>
                </FormLayout>
              </BlockStack>
            </Box>
          </section>
        );
      })}
      {listError ? (
        <Text as="p" tone="critical">
          {listError}
        </Text>
      ) : null}
      <InlineStack gap="200">
        <Button onClick={onAdd} disabled={drafts.length >= MAX_CHANNELS}>
          Add channel
        </Button>
        <Button onClick={onReset}>Reset to defaults</Button>
      </InlineStack>
    </BlockStack>
  );
}
