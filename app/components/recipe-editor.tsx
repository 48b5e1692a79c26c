import { useFetcher } from "@remix-run/react";
import { RecipePostProduction } from "./recipe-post-production";
import { RecipeQualityGates } from "./recipe-quality-gates";
import { Banner, BlockStack, Box, Button, Card, Checkbox, Divider, FormLayout, InlineGrid, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { ASSET_LABELS } from "../production/production-plan";
import { QC_CHECKS, type QcCheckId } from "../qc/qc-check";
import { PROMPT_PLACEHOLDERS, renderPrompt, type PromptProduct } from "../recipes/prompt-template";
import {
  BACKGROUND_PRESETS,
  LIGHTING_PRESETS,
  MAX_CANDIDATES_PER_VIEW,
  POSE_PRESETS,
  VIDEO_ASPECT_RATIOS,
  VIEW_ASSET_KINDS,
  VIEW_NAMES,
  type RecipeSpec,
  type RecipeView,
} from "../recipes/recipe-spec";
import type { RecipeProviderOption, RecipesActionResult } from "../recipes/recipes-page.server";
import { FieldErrorsBanner } from "./field-errors-banner";
import { RecipeModelReferences, type ModelReferenceOption } from "./recipe-model-references";

interface Props {
  category: { key: string; name: string };
  currentVersion: number;
  spec: RecipeSpec;
  sample: PromptProduct | null;
  providers: RecipeProviderOption[];
  modelReferences: ModelReferenceOption[];
  removalProviders: readonly string[];
  channels: { id: string; label: string; enabled: boolean }[];
}

const words = (value: string) => value.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
const options = (values: readonly string[]) => values.map((value) => ({ label: words(value), value }));
const OPERATION_LABELS: Record<RecipeSpec["operation"], string> = { "try-on": "Try-on: dress the brand model in the garment", "product-to-model": "Product to model: generate a model wearing it" };
const SEED_MODES = [
  { label: "A new seed per candidate (reproducible)", value: "per-candidate" },
  { label: "The same seed for every image", value: "fixed" },
  { label: "Random (the provider chooses)", value: "random" },
];

/** Field paths as the merchant sees them, for the errors banner. */
function describeField(field: string): string {
  const view = /^views\.(\d+)\.(\w+)$/.exec(field);
  if (view) return `View ${Number(view[1]) + 1}: ${view[2]}`;
  const gate = /^qc\.thresholds\.([\w-]+)(?:\.(flag|reject))?$/.exec(field);
  if (gate && gate[1] in QC_CHECKS) return `Quality gates, ${QC_CHECKS[gate[1] as QcCheckId].label}${gate[2] ? `: ${gate[2]} threshold` : ""}`;
  const labels: Record<string, string> = {
    provider: "Image provider",
    model: "Model",
    operation: "Operation",
    modelReferenceIds: "Model references",
    views: "Views",
    lighting: "Lighting",
    background: "Background",
    promptTemplate: "Prompt template",
    negativePrompt: "Negative prompt",
    "seedPolicy.seed": "Seed",
    "seedPolicy.base": "Base seed",
    "seedPolicy.mode": "Seed policy",
    candidatesPerView: "Candidates per view",
    "video.provider": "Video provider",
    "video.model": "Video model",
    "video.motionBrief": "Motion brief",
    "video.durationSeconds": "Video duration",
    "video.aspectRatio": "Video aspect ratio",
    "output.image.width": "Image width",
    "output.image.height": "Image height",
    "output.image.format": "Image format",
    "output.video.width": "Video width",
    "output.video.height": "Video height",
    "output.video.fps": "Video frame rate",
    extra: "Provider settings",
    stylingNotes: "Styling notes",
    studioReference: "Studio shot as reference",
    "qc.thresholds": "Quality gates",
    "qc.autoRegenerate": "Automatic regenerations",
    note: "Version note",
    category: "Category",
    form: "Form",
  };
  return labels[field] ?? field;
}

/** A number typed as text: the draft gets NaN for an empty or bad entry, which the server names as an error. */
function NumberField({ label, value, onChange, error, helpText, suffix }: { label: string; value: number; onChange: (value: number) => void; error?: string; helpText?: string; suffix?: string }) {
  const [text, setText] = useState(Number.isFinite(value) ? String(value) : "");
  return (
    <TextField
      label={label}
      type="number"
      value={text}
      onChange={(next) => {
        setText(next);
        onChange(next.trim() === "" ? Number.NaN : Number(next));
      }}
      autoComplete="off"
      error={error}
      helpText={helpText}
      suffix={suffix}
    />
  );
}

function providerSelectOptions(providers: RecipeProviderOption[], want: "image" | "video", current: string) {
  const fitting = providers.filter((p) => (want === "image" ? p.imageOperations.length > 0 : p.video));
  const list: { label: string; value: string }[] = fitting.map((p) => ({ label: p.label, value: p.id }));
  // A stored provider the page no longer offers stays visible, so the merchant sees why it is refused.
  if (!list.some((o) => o.value === current)) list.unshift({ label: `${current} (not available here)`, value: current });
  return list;
}

export function RecipeEditor({ category, currentVersion, spec, sample, providers, modelReferences, removalProviders, channels }: Props) {
  const [draft, setDraft] = useState<RecipeSpec>(spec);
  const [extraText, setExtraText] = useState(() => JSON.stringify(spec.extra, null, 2));
  const [note, setNote] = useState("");
  const [customBackground, setCustomBackground] = useState(() => !(BACKGROUND_PRESETS as readonly string[]).includes(spec.background));
  const fetcher = useFetcher<RecipesActionResult>({ key: `save-recipe-${category.key}` });
  const result = fetcher.data && (fetcher.data.intent === "save-recipe" || fetcher.data.intent === "form") ? fetcher.data : undefined;
  const errors = result && !result.ok ? result.errors : {};
  const set = <K extends keyof RecipeSpec>(field: K, value: RecipeSpec[K]) => setDraft((d) => ({ ...d, [field]: value }));
  const setModelReferenceIds = useCallback((ids: string[]) => setDraft((d) => ({ ...d, modelReferenceIds: ids })), []);
  const provider = providers.find((p) => p.id === draft.provider);
  const outcomeRef = useRef<HTMLDivElement>(null);
  // Save sits at the bottom of a long form: bring its outcome (errors or the new version) into view.
  useEffect(() => {
    if (result) outcomeRef.current?.scrollIntoView({ block: "start" });
  }, [result]);

  // Adapters that insist on one model per operation get it filled in, so a provider switch is one step.
  const chooseProvider = (id: string) => {
    const next = providers.find((p) => p.id === id);
    if (!next) return;
    const operation = next.imageOperations.includes(draft.operation) ? draft.operation : (next.imageOperations[0] ?? draft.operation);
    setDraft((d) => ({ ...d, provider: next.id, operation, model: next.fixedModels[operation] ?? next.suggestedModels.image[0] ?? d.model }));
  };
  const chooseOperation = (operation: string) => {
    if (operation !== "try-on" && operation !== "product-to-model") return;
    setDraft((d) => ({ ...d, operation, model: provider?.fixedModels[operation] ?? d.model }));
  };
  const video = draft.video;
  const setVideo = (patch: Partial<NonNullable<RecipeSpec["video"]>>) => setDraft((d) => (d.video ? { ...d, video: { ...d.video, ...patch } } : d));
  const chooseVideoProvider = (id: string) => {
    const next = providers.find((p) => p.id === id);
    if (next) setVideo({ provider: next.id, model: next.fixedModels["image-to-video"] ?? next.suggestedModels.video[0] ?? video?.model ?? "" });
  };
  const setView = (index: number, patch: Partial<RecipeView>) => set("views", draft.views.map((v, i) => (i === index ? { ...v, ...patch } : v)));
  const firstVideoProvider = providers.find((p) => p.video);

  const save = () => {
    let extra: unknown = extraText;
    try {
      extra = extraText.trim() === "" ? {} : JSON.parse(extraText);
    } catch {
      // Sent as text: the server names the field and what a valid value looks like.
    }
    const payload = { ...draft, extra, output: { ...draft.output, video: { ...draft.output.video, ...(draft.video ? { durationSeconds: draft.video.durationSeconds } : {}) } } };
    fetcher.submit({ intent: "save-recipe", categoryKey: category.key, note, payload: JSON.stringify(payload) }, { method: "post" });
  };

  const firstView = draft.views[0];
  const preview = sample ? renderPrompt(draft.promptTemplate, sample, { view: firstView?.view, pose: firstView?.pose, lighting: draft.lighting, background: draft.background }) : null;
  const usedAssets = new Set(draft.views.map((v) => v.asset));
  const freeAsset = VIEW_ASSET_KINDS.find((a) => !usedAssets.has(a));

  return (
    <Card>
      <BlockStack gap="500">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingLg">
            {category.name} recipe
          </Text>
          <Text as="span" tone="subdued">
            {`Current: version ${currentVersion}`}
          </Text>
        </InlineStack>
        <div ref={outcomeRef}>
          <FieldErrorsBanner errors={errors} title="Nothing was saved: fix these" describe={describeField} />
          {result?.ok && result.intent === "save-recipe" ? <Banner tone="success" title={`Saved as version ${result.version}`} /> : null}
        </div>

        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Provider and model
          </Text>
          <FormLayout>
            <FormLayout.Group>
              <Select label="Image provider" options={providerSelectOptions(providers, "image", draft.provider)} value={draft.provider} onChange={chooseProvider} error={errors.provider} />
              <Select
                label="Operation"
                options={(provider?.imageOperations ?? [draft.operation]).map((op) => ({ label: OPERATION_LABELS[op], value: op }))}
                value={draft.operation}
                onChange={chooseOperation}
                error={errors.operation}
              />
              <TextField
                label="Model"
                value={draft.model}
                onChange={(model) => set("model", model)}
                autoComplete="off"
                error={errors.model}
                helpText={provider?.suggestedModels.image.length ? `e.g. ${provider.suggestedModels.image.join(", ")}` : "The provider's model or version id"}
              />
            </FormLayout.Group>
          </FormLayout>
        </BlockStack>
        <Divider />

        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Brand model
          </Text>
          <RecipeModelReferences references={modelReferences} selectedIds={draft.modelReferenceIds} onChange={setModelReferenceIds} error={errors.modelReferenceIds} />
        </BlockStack>
        <Divider />

        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Views and poses
          </Text>
          {draft.views.map((view, index) => (
            <InlineGrid key={index} columns={{ xs: 1, md: "2fr 1fr 2fr auto" }} gap="200" alignItems="end">
              <Select
                label={`View ${index + 1}: asset`}
                options={VIEW_ASSET_KINDS.map((a) => ({ label: ASSET_LABELS[a], value: a }))}
                value={view.asset}
                onChange={(asset) => setView(index, { asset: asset as RecipeView["asset"] })}
                error={errors[`views.${index}.asset`]}
              />
              <Select label={`View ${index + 1}: view`} options={options(VIEW_NAMES)} value={view.view} onChange={(v) => setView(index, { view: v as RecipeView["view"] })} error={errors[`views.${index}.view`]} />
              <Select label={`View ${index + 1}: pose`} options={options(POSE_PRESETS)} value={view.pose} onChange={(pose) => setView(index, { pose: pose as RecipeView["pose"] })} error={errors[`views.${index}.pose`]} />
              <Button variant="plain" tone="critical" onClick={() => set("views", draft.views.filter((_, i) => i !== index))} accessibilityLabel={`Remove view ${index + 1}`}>
                Remove
              </Button>
            </InlineGrid>
          ))}
          {errors.views ? (
            <Text as="p" tone="critical">
              {errors.views}
            </Text>
          ) : null}
          <InlineStack>
            <Button disabled={!freeAsset} onClick={() => freeAsset && set("views", [...draft.views, { asset: freeAsset, view: "front", pose: "standing-front" }])}>
              Add view
            </Button>
          </InlineStack>
        </BlockStack>
        <Divider />

        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Look and prompt
          </Text>
          <FormLayout>
            <FormLayout.Group>
              <Select label="Lighting" options={options(LIGHTING_PRESETS)} value={draft.lighting} onChange={(v) => set("lighting", v as RecipeSpec["lighting"])} error={errors.lighting} />
              <Select
                label="Background"
                options={[...options(BACKGROUND_PRESETS), { label: "Custom colour", value: "custom" }]}
                value={customBackground ? "custom" : draft.background}
                onChange={(v) => {
                  setCustomBackground(v === "custom");
                  if (v !== "custom") set("background", v);
                  else if ((BACKGROUND_PRESETS as readonly string[]).includes(draft.background)) set("background", "#f4f1ec");
                }}
                error={customBackground ? undefined : errors.background}
              />
              {customBackground ? (
                <TextField label="Background colour" value={draft.background} onChange={(v) => set("background", v)} autoComplete="off" helpText="#rrggbb" error={errors.background} />
              ) : null}
            </FormLayout.Group>
            <TextField
              label="Prompt template"
              value={draft.promptTemplate}
              onChange={(v) => set("promptTemplate", v)}
              multiline={3}
              autoComplete="off"
              error={errors.promptTemplate}
              helpText={`Placeholders: ${PROMPT_PLACEHOLDERS.map((p) => `{${p}}`).join(" ")}`}
            />
            <Box background="bg-surface-secondary" padding="300" borderRadius="200">
              <BlockStack gap="100">
                <Text as="p" variant="headingSm">
                  {sample ? `Preview with ${sample.title}` : "Preview"}
                </Text>
                <Text as="p" tone={sample ? undefined : "subdued"}>
                  {preview ?? "Sync the catalog to preview the prompt with one of this category's products."}
                </Text>
              </BlockStack>
            </Box>
            <TextField label="Negative prompt" value={draft.negativePrompt} onChange={(v) => set("negativePrompt", v)} multiline={2} autoComplete="off" error={errors.negativePrompt} />
          </FormLayout>
        </BlockStack>
        <Divider />

        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Candidates and seeds
          </Text>
          <FormLayout>
            <FormLayout.Group>
              <Select
                label="Candidates per view"
                options={Array.from({ length: MAX_CANDIDATES_PER_VIEW }, (_, i) => ({ label: String(i + 1), value: String(i + 1) }))}
                value={String(draft.candidatesPerView)}
                onChange={(v) => set("candidatesPerView", Number(v))}
                error={errors.candidatesPerView}
              />
              <Select
                label="Seed policy"
                options={SEED_MODES}
                value={draft.seedPolicy.mode}
                onChange={(mode) => set("seedPolicy", mode === "fixed" ? { mode, seed: 1000 } : mode === "per-candidate" ? { mode, base: 1000 } : { mode: "random" })}
                error={errors["seedPolicy.mode"]}
              />
              {draft.seedPolicy.mode === "fixed" ? (
                <NumberField key="seed" label="Seed" value={draft.seedPolicy.seed} onChange={(seed) => set("seedPolicy", { mode: "fixed", seed })} error={errors["seedPolicy.seed"]} />
              ) : draft.seedPolicy.mode === "per-candidate" ? (
                <NumberField key="base" label="Base seed" value={draft.seedPolicy.base} onChange={(base) => set("seedPolicy", { mode: "per-candidate", base })} error={errors["seedPolicy.base"]} />
              ) : null}
            </FormLayout.Group>
          </FormLayout>
        </BlockStack>
        <Divider />

        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Video
          </Text>
          <Checkbox
            label="Make a product video from the best on-model image"
            checked={video !== null}
            disabled={!firstVideoProvider && video === null}
            onChange={(on) =>
              set(
                "video",
                on && firstVideoProvider
                  ? { provider: firstVideoProvider.id, model: firstVideoProvider.fixedModels["image-to-video"] ?? firstVideoProvider.suggestedModels.video[0] ?? "", motionBrief: "slow turn to the left, fabric moving naturally", durationSeconds: 5, aspectRatio: "9:16" }
                  : null,
              )
            }
          />
          {video ? (
            <FormLayout>
              <FormLayout.Group>
                <Select label="Video provider" options={providerSelectOptions(providers, "video", video.provider)} value={video.provider} onChange={chooseVideoProvider} error={errors["video.provider"]} />
                <TextField label="Video model" value={video.model} onChange={(model) => setVideo({ model })} autoComplete="off" error={errors["video.model"]} />
              </FormLayout.Group>
              <TextField label="Motion brief" value={video.motionBrief} onChange={(motionBrief) => setVideo({ motionBrief })} multiline={2} autoComplete="off" error={errors["video.motionBrief"]} />
              <FormLayout.Group>
                <NumberField label="Duration" suffix="seconds" value={video.durationSeconds} onChange={(durationSeconds) => setVideo({ durationSeconds })} error={errors["video.durationSeconds"]} />
                <Select label="Aspect ratio" options={VIDEO_ASPECT_RATIOS.map((r) => ({ label: r, value: r }))} value={video.aspectRatio} onChange={(v) => setVideo({ aspectRatio: v as typeof video.aspectRatio })} error={errors["video.aspectRatio"]} />
              </FormLayout.Group>
            </FormLayout>
          ) : null}
        </BlockStack>
        <Divider />

        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Studio lane
          </Text>
          <TextField
            label="Styling notes"
            value={draft.stylingNotes}
            onChange={(v) => set("stylingNotes", v)}
            multiline={3}
            autoComplete="off"
            error={errors.stylingNotes}
            placeholder="e.g. Tuck the front hem, sleeves pushed to the elbow, no jewellery"
            helpText="Printed on the studio shot list for this category."
          />
          <Checkbox
            label="Use a studio shot as the reference for other colourways"
            checked={draft.studioReference}
            onChange={(on) => set("studioReference", on)}
            error={errors.studioReference}
            helpText="When a product has an approved or checked studio shot of one colourway, AI makes the other colourways from it: the studio shot is the model reference, each colourway's own product image is the garment. Colourways the studio has shot in a view get no AI images of that view."
          />
        </BlockStack>
        <Divider />

        <RecipePostProduction value={draft.postProduction} onChange={(value) => set("postProduction", value)} errors={errors} removalProviders={removalProviders} channels={channels} />
        <Divider />

        <RecipeQualityGates value={draft.qc} onChange={(value) => set("qc", value)} errors={errors} />
        <Divider />

        <BlockStack gap="300">
          <Text as="h3" variant="headingMd">
            Provider output
          </Text>
          <FormLayout>
            <FormLayout.Group condensed>
              <NumberField label="Image width" suffix="px" value={draft.output.image.width} onChange={(width) => set("output", { ...draft.output, image: { ...draft.output.image, width } })} error={errors["output.image.width"]} />
              <NumberField label="Image height" suffix="px" value={draft.output.image.height} onChange={(height) => set("output", { ...draft.output, image: { ...draft.output.image, height } })} error={errors["output.image.height"]} />
              <Select
                label="Image format"
                options={[
                  { label: "PNG", value: "png" },
                  { label: "JPEG", value: "jpeg" },
                ]}
                value={draft.output.image.format}
                onChange={(format) => set("output", { ...draft.output, image: { ...draft.output.image, format: format === "jpeg" ? "jpeg" : "png" } })}
                error={errors["output.image.format"]}
              />
            </FormLayout.Group>
            <FormLayout.Group condensed>
              <NumberField label="Video width" suffix="px" value={draft.output.video.width} onChange={(width) => set("output", { ...draft.output, video: { ...draft.output.video, width } })} error={errors["output.video.width"]} />
              <NumberField label="Video height" suffix="px" value={draft.output.video.height} onChange={(height) => set("output", { ...draft.output, video: { ...draft.output.video, height } })} error={errors["output.video.height"]} />
              <NumberField label="Video frame rate" suffix="fps" value={draft.output.video.fps} onChange={(fps) => set("output", { ...draft.output, video: { ...draft.output.video, fps } })} error={errors["output.video.fps"]} />
            </FormLayout.Group>
            <TextField
              label="Provider settings (JSON)"
              value={extraText}
              onChange={setExtraText}
              multiline={3}
              monospaced
              autoComplete="off"
              error={errors.extra}
              helpText='Provider-specific, e.g. {"loraName": "brand-model.safetensors", "loraStrength": 0.8} for ComfyUI'
            />
          </FormLayout>
        </BlockStack>
        <Divider />

        <InlineGrid columns={{ xs: 1, md: "3fr 1fr" }} gap="300" alignItems="end">
          <TextField
            label="Version note"
            value={note}
            onChange={setNote}
            autoComplete="off"
            placeholder="What changed and why"
            error={errors.note}
            helpText={Object.keys(errors).length ? `Nothing was saved: ${Object.keys(errors).length} field${Object.keys(errors).length > 1 ? "s need" : " needs"} fixing (listed above)` : undefined}
          />
          <Button variant="primary" size="large" loading={fetcher.state !== "idle"} onClick={save}>
            Save as new version
          </Button>
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}
