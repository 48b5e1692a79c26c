import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Checkbox, DropZone, InlineGrid, InlineStack, Text, TextField, Thumbnail } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import type { RecipesActionResult } from "../recipes/recipes-page.server";

export interface ModelReferenceOption {
  id: string;
  name: string;
  width: number;
  height: number;
  url: string;
}

/** Pick the brand's virtual model images for a recipe, and upload new ones (checked on the server). */
export function RecipeModelReferences({
  references,
  selectedIds,
  onChange,
  error,
}: {
  references: ModelReferenceOption[];
  selectedIds: string[];
  onChange: (ids: string[]) => void;
  error?: string;
}) {
  const fetcher = useFetcher<RecipesActionResult>({ key: "upload-model" });
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const result = fetcher.data?.intent === "upload-model" ? fetcher.data : undefined;
  const errors = result && !result.ok ? result.errors : {};
  const handled = useRef<string | null>(null);

  // A fresh upload is selected for this recipe straight away, once.
  useEffect(() => {
    if (result?.ok && handled.current !== result.modelReference.id) {
      handled.current = result.modelReference.id;
      if (!selectedIds.includes(result.modelReference.id)) onChange([...selectedIds, result.modelReference.id]);
      setFile(null);
      setName("");
    }
  }, [result, selectedIds, onChange]);

  const upload = () => {
    const form = new FormData();
    form.set("intent", "upload-model");
    form.set("name", name);
    if (file) form.set("file", file);
    fetcher.submit(form, { method: "post", encType: "multipart/form-data" });
  };

  return (
    <BlockStack gap="300">
      {references.length === 0 ? (
        <Text as="p" tone="subdued">
          No model reference images yet. Upload photos of your brand&apos;s model (the same person across the catalog), at least 512 pixels on the short side.
        </Text>
      ) : (
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          {references.map((ref) => (
            <BlockStack key={ref.id} gap="100" inlineAlign="start">
              <Thumbnail source={ref.url} alt={ref.name} size="large" />
              <Checkbox
                label={ref.name}
                helpText={`${ref.width}×${ref.height}`}
                checked={selectedIds.includes(ref.id)}
                onChange={(checked) => onChange(checked ? [...selectedIds, ref.id] : selectedIds.filter((id) => id !== ref.id))}
              />
            </BlockStack>
          ))}
        </InlineGrid>
      )}
      {error ? (
        <Text as="p" tone="critical">
          {error}
        </Text>
      ) : null}
      <InlineGrid columns={{ xs: 1, md: "2fr 1fr" }} gap="300">
        <DropZone label="Upload a model reference image" accept="image/png,image/jpeg,image/webp" type="image" allowMultiple={false} onDrop={(_all, accepted, rejected) => setFile(accepted[0] ?? rejected[0] ?? null)} error={Boolean(errors.file)}>
          {file ? (
            <InlineStack align="center" blockAlign="center">
              <Text as="span">{`${file.name} (${(file.size / 1024 / 1024).toFixed(1)} MB)`}</Text>
            </InlineStack>
          ) : (
            <DropZone.FileUpload actionHint="PNG, JPEG or WebP, up to 15 MB, at least 512 px on the short side" />
          )}
        </DropZone>
        <BlockStack gap="200">
          <TextField label="Reference name" value={name} onChange={setName} autoComplete="off" placeholder="Ava, front, studio" error={errors.name} />
          <Button onClick={upload} loading={fetcher.state !== "idle"} disabled={!file}>
            Upload image
          </Button>
        </BlockStack>
      </InlineGrid>
      {errors.file ? <Banner tone="critical" title={`File: ${errors.file}`} /> : null}
      {errors.form ? <Banner tone="critical" title={errors.form} /> : null}
      {result?.ok ? <Banner tone="success" title={`Uploaded ${result.modelReference.name}: selected for this recipe (save to keep it)`} /> : null}
    </BlockStack>
  );
}
