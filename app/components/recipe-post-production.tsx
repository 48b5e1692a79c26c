import { BlockStack, Checkbox, ChoiceList, FormLayout, Select, Text, TextField } from "@shopify/polaris";
import { CLEANUP_MODES, SHADOW_KINDS, type PostProductionRecipe } from "../imaging/post-production-recipe";

const CLEANUP_LABELS: Record<(typeof CLEANUP_MODES)[number], string> = {
  auto: "Automatic: key a plain studio backdrop, else use the removal provider",
  "backdrop-key": "Key the studio backdrop (seamless paper or wall)",
  "removal-provider": "Background-removal provider",
  none: "Keep the background",
};

const REMOVAL_LABELS: Record<string, string> = { photoroom: "Photoroom", removebg: "remove.bg", "fal-birefnet": "fal BiRefNet" };

interface Props {
  value: PostProductionRecipe;
  onChange: (value: PostProductionRecipe) => void;
  errors: Record<string, string>;
  removalProviders: readonly string[];
  /** The shop's channels (Settings → Post-production). */
  channels: { id: string; label: string; enabled: boolean }[];
}

function percent(value: number): string {
  return String(Math.round(value * 1000) / 10);
}

function fraction(text: string): number {
  const n = Number(text.replace(",", "."));
  return Number.isFinite(n) ? n / 100 : Number.NaN;
}

/** The recipe's post-production: cleanup, framing, colour, shadow and which channels it renders. */
export function RecipePostProduction({ value, onChange, errors, removalProviders, channels }: Props) {
  const set = (patch: Partial<PostProductionRecipe>) => onChange({ ...value, ...patch });
  const error = (field: string) => errors[`postProduction.${field}`];
  const enabled = channels.filter((c) => c.enabled);
  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingMd">
        Post-production
      </Text>
      <Text as="p" tone="subdued">
        Every image of this category (AI, studio or already on the store) goes through these steps, then the shop&apos;s channel renditions.
      </Text>
      <FormLayout>
        <FormLayout.Group>
          <Select label="Background cleanup" options={CLEANUP_MODES.map((m) => ({ label: CLEANUP_LABELS[m], value: m }))} value={value.cleanup} onChange={(cleanup) => set({ cleanup: cleanup as PostProductionRecipe["cleanup"] })} error={error("cleanup")} />
          <Select
            label="Background-removal provider"
            options={[{ label: "None", value: "" }, ...removalProviders.map((id) => ({ label: REMOVAL_LABELS[id] ?? id, value: id }))]}
            value={value.removalProvider ?? ""}
            onChange={(id) => set({ removalProvider: (id || null) as PostProductionRecipe["removalProvider"] })}
            error={error("removalProvider")}
            helpText="Used for images that are not on a plain backdrop; its key goes in Settings."
          />
        </FormLayout.Group>
        <FormLayout.Group condensed>
          <Select
            label="Alignment"
            options={[
              { label: "Bottom: feet / hem on one line", value: "bottom" },
              { label: "Centred", value: "center" },
            ]}
            value={value.align}
            onChange={(align) => set({ align: align === "center" ? "center" : "bottom" })}
            error={error("align")}
          />
          {(["top", "bottom", "side"] as const).map((side) => (
            <TextFieldPercent key={side} label={`${side[0]!.toUpperCase()}${side.slice(1)} margin`} value={value.margins[side]} onChange={(v) => set({ margins: { ...value.margins, [side]: v } })} error={error(`margins.${side}`)} />
          ))}
        </FormLayout.Group>
        <FormLayout.Group condensed>
          <Checkbox label="White balance and exposure to a neutral reference" checked={value.whiteBalance} onChange={(whiteBalance) => set({ whiteBalance })} />
          <Checkbox label="Apply the brand LUT" checked={value.brandLut} onChange={(brandLut) => set({ brandLut })} helpText="The LUT chosen in Settings → Post-production." />
        </FormLayout.Group>
        <FormLayout.Group condensed>
          <Select label="Shadow" options={SHADOW_KINDS.map((k) => ({ label: k === "none" ? "None" : k === "contact" ? "Contact shadow" : "Drop shadow", value: k }))} value={value.shadow.kind} onChange={(kind) => set({ shadow: { ...value.shadow, kind: kind as PostProductionRecipe["shadow"]["kind"] } })} error={error("shadow.kind")} />
          <TextFieldPercent label="Shadow opacity" value={value.shadow.opacity} onChange={(opacity) => set({ shadow: { ...value.shadow, opacity } })} error={error("shadow.opacity")} />
          <TextFieldPercent label="Shadow softness" value={value.shadow.softness} onChange={(softness) => set({ shadow: { ...value.shadow, softness } })} error={error("shadow.softness")} helpText="Share of the subject's height" />
        </FormLayout.Group>
        <ChoiceList
          allowMultiple
          title="Channels"
          choices={[{ label: "Every enabled channel", value: "*" }, ...enabled.map((c) => ({ label: c.label, value: c.id }))]}
          selected={value.channels ?? ["*"]}
          onChange={(selected) => {
            const picked = selected.filter((id) => id !== "*");
            // Picking "every channel" after specific ones resets to all; picking a channel leaves "all".
            set({ channels: selected.includes("*") && !(value.channels === null && picked.length) ? null : picked.length ? picked : null });
          }}
          error={error("channels")}
        />
      </FormLayout>
    </BlockStack>
  );
}

/** A 0–1 share edited as a percentage. */
function TextFieldPercent({ label, value, onChange, error, helpText }: { label: string; value: number; onChange: (value: number) => void; error?: string; helpText?: string }) {
  return <TextField label={label} type="number" suffix="%" value={percent(value)} onChange={(text) => onChange(fraction(text))} autoComplete="off" error={error} helpText={helpText} />;
}
