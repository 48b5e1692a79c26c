import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, DropZone, InlineGrid, InlineStack, RadioButton, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import type { BrandLutRow, PostProductionActionResult } from "../imaging/post-production-page.server";

/** "2026-11-23 10:15 UTC": the same text on the server and in the browser, whatever their time zones. */
function formatWhen(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function formatWho(actor: string): string {
  if (actor === "user:demo") return "Demo user";
  return actor.replace(/^user:/, "Staff ");
}

function formatBytes(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

const INTERPOLATIONS = [
  { label: "Tetrahedral (smoother gradients, the grading tools' default)", value: "tetrahedral" },
  { label: "Trilinear", value: "trilinear" },
];

export interface BrandLutCardProps {
  luts: BrandLutRow[];
  /** The stored active LUT ("" = none), shown as a badge. */
  savedActiveLutId: string;
  /** The choice in the form, saved with the other settings. */
  activeLutId: string;
  onActiveLutChange: (id: string) => void;
  interpolation: string;
  onInterpolationChange: (value: string) => void;
  /** Field errors of the last settings save (activeLutId, lutInterpolation). */
  errors: Record<string, string>;
  maxBytes: number;
  /** An uploaded LUT was made the active one on the server. */
  onActivated: (id: string) => void;
}

/** Brand LUTs: upload a .cube (checked line by line on the server), list them, pick the active one and the interpolation. */
export function BrandLutCard({ luts, savedActiveLutId, activeLutId, onActiveLutChange, interpolation, onInterpolationChange, errors, maxBytes, onActivated }: BrandLutCardProps) {
  const upload = useFetcher<PostProductionActionResult>({ key: "upload-lut" });
  const remove = useFetcher<PostProductionActionResult>({ key: "delete-lut" });
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [activate, setActivate] = useState(true);
  const uploaded = upload.state === "idle" && (upload.data?.intent === "upload-lut" || upload.data?.intent === "form") ? upload.data : undefined;
  const deleted = remove.state === "idle" && (remove.data?.intent === "delete-lut" || remove.data?.intent === "form") ? remove.data : undefined;
  const handled = useRef<unknown>(null);

  // A fresh upload clears the form once; an activated one becomes the form's choice too.
  useEffect(() => {
    if (uploaded?.intent !== "upload-lut" || !uploaded.ok || handled.current === uploaded) return;
    handled.current = uploaded;
    setFile(null);
    setName("");
    if (uploaded.activated) onActivated(uploaded.lut.id);
  }, [uploaded, onActivated]);

  const submitUpload = () => {
    const form = new FormData();
    form.set("intent", "upload-lut");
    form.set("name", name);
    form.set("activate", String(activate));
    if (file) form.set("file", file);
    upload.submit(form, { method: "post", encType: "multipart/form-data" });
  };

  const fileErrors = uploaded?.intent === "upload-lut" && !uploaded.ok ? uploaded : undefined;
  const nameError = fileErrors?.field === "lutName" ? fileErrors.errors.map((e) => e.message).join("; ") : undefined;

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Brand LUT
        </Text>
        <Text as="p" tone="subdued">
          A 3D colour look-up table (.cube, from Lightroom, Resolve or Photoshop) applied after white balance to the images of every recipe that uses the brand LUT, so studio and AI images share one look. An upload is stored straight away; the active LUT and the interpolation are saved with the other settings.
        </Text>

        <BlockStack gap="200">
          <RadioButton label="None: no brand LUT" id="lut-none" name="activeLut" checked={activeLutId === ""} onChange={() => onActiveLutChange("")} />
          {luts.length === 0 ? (
            <Text as="p" tone="subdued">
              No LUTs uploaded yet.
            </Text>
          ) : (
            <ul aria-label="Uploaded LUTs" style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "12px" }}>
              {luts.map((lut) => (
                <li key={lut.id}>
                  <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                    <BlockStack gap="050">
                      <InlineStack gap="200" blockAlign="center">
                        <RadioButton label={lut.name} id={`lut-${lut.id}`} name="activeLut" checked={activeLutId === lut.id} onChange={() => onActiveLutChange(lut.id)} />
                        {lut.id === savedActiveLutId ? <Badge tone="success">Active</Badge> : null}
                      </InlineStack>
                      <Text as="p" tone="subdued" variant="bodySm">
                        {[lut.title ? `“${lut.title}”` : null, `${lut.size}³`, formatBytes(lut.bytes), `uploaded by ${formatWho(lut.createdBy)}`, formatWhen(lut.createdAt)].filter(Boolean).join(" · ")}
                      </Text>
                    </BlockStack>
                    <Button
                      variant="plain"
                      tone="critical"
                      accessibilityLabel={`Delete ${lut.name}`}
                      disabled={lut.id === savedActiveLutId}
                      loading={remove.state !== "idle" && remove.formData?.get("lutId") === lut.id}
                      onClick={() => remove.submit({ intent: "delete-lut", lutId: lut.id }, { method: "post" })}
                    >
                      Delete
                    </Button>
                  </InlineStack>
                </li>
              ))}
            </ul>
          )}
          {errors.activeLutId ? (
            <Text as="p" tone="critical">
              {errors.activeLutId}
            </Text>
          ) : null}
          {activeLutId !== savedActiveLutId ? (
            <Text as="p" tone="subdued">
              Save the settings to use this choice.
            </Text>
          ) : null}
          {deleted?.intent === "delete-lut" && deleted.ok ? <Banner tone="success" title={`Deleted ${deleted.name}`} /> : null}
          {deleted && !deleted.ok ? <Banner tone="critical" title={deleted.message} /> : null}
        </BlockStack>

        <Select label="Interpolation" options={INTERPOLATIONS} value={interpolation} onChange={onInterpolationChange} error={errors.lutInterpolation} helpText="How colours between the LUT's grid points are blended." />

        <BlockStack gap="300">
          <Text as="h3" variant="headingSm">
            Upload a LUT
          </Text>
          <InlineGrid columns={{ xs: 1, md: "2fr 1fr" }} gap="300">
            <DropZone
              label="LUT file (.cube)"
              accept=".cube,text/plain"
              allowMultiple={false}
              onDrop={(_all, accepted, rejected) => setFile(accepted[0] ?? rejected[0] ?? null)}
              error={fileErrors?.field === "lutFile"}
            >
              {file ? (
                <InlineStack align="center" blockAlign="center">
                  <Text as="span">{`${file.name} (${formatBytes(file.size)})`}</Text>
                </InlineStack>
              ) : (
                <DropZone.FileUpload actionHint={`A 3D .cube file, up to ${maxBytes / 1048576} MB`} />
              )}
            </DropZone>
            <BlockStack gap="200">
              <TextField label="LUT name" value={name} onChange={setName} autoComplete="off" placeholder="The file name if empty" error={nameError} />
              <Checkbox label="Use it as the brand LUT" checked={activate} onChange={setActivate} />
              <Button onClick={submitUpload} loading={upload.state !== "idle"} disabled={!file}>
                Upload LUT
              </Button>
            </BlockStack>
          </InlineGrid>
          {fileErrors?.field === "lutFile" ? (
            <Banner tone="critical" title={fileErrors.errors.length > 1 ? `This .cube file cannot be used: ${fileErrors.errors.length} problems` : "This .cube file cannot be used"}>
              <ul aria-label="Problems in the LUT file">
                {fileErrors.errors.map((issue, index) => (
                  <li key={index}>{issue.line ? `Line ${issue.line}: ${issue.message}` : issue.message}</li>
                ))}
              </ul>
            </Banner>
          ) : null}
          {uploaded?.intent === "form" ? <Banner tone="critical" title={uploaded.message} /> : null}
          {uploaded?.intent === "upload-lut" && uploaded.ok ? (
            <Banner tone="success" title={uploaded.activated ? `Uploaded ${uploaded.lut.name} (${uploaded.lut.size}³): now the active brand LUT` : `Uploaded ${uploaded.lut.name} (${uploaded.lut.size}³)`} />
          ) : null}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
