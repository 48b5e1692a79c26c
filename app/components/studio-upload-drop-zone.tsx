import { Link as RemixLink, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, DropZone, InlineStack, ProgressBar, Scrollable, Text } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { ChunkedUploader, type UploadItem, type UploaderSnapshot } from "../studio/chunked-uploader";
import { ACCEPTED_STUDIO_EXTENSIONS, formatBytes, progressPercent, uploadProgressText } from "../studio/upload-chunks";
import { StudioFileStatusBadge } from "./studio-upload-status";
import { revalidateQuietly } from "./use-live-revalidation";

const ACCEPT = ACCEPTED_STUDIO_EXTENSIONS.replace(/ /g, "");
/** The files table is refreshed at most this often while files complete. */
const TABLE_REFRESH_MS = 1500;

interface Refused {
  name: string;
  reason: string;
}

/**
 * The browser-side queue: one ChunkedUploader for the page's life, its
 * snapshots batched to one render per 100 ms (200 files make thousands of
 * changes), and the files table refreshed as files complete.
 */
function useStudioUploader() {
  const revalidator = useRevalidator();
  const latestRevalidator = useRef(revalidator);
  latestRevalidator.current = revalidator;
  const [snapshot, setSnapshot] = useState<UploaderSnapshot | null>(null);
  const uploader = useRef<ChunkedUploader | null>(null);
  const pending = useRef<UploaderSnapshot | null>(null);
  const renderTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const completed = useRef(false);

  useEffect(() => {
    const timer = setInterval(() => {
      if (completed.current && latestRevalidator.current.state === "idle") {
        completed.current = false;
        revalidateQuietly(latestRevalidator.current);
      }
    }, TABLE_REFRESH_MS);
    return () => {
      clearInterval(timer);
      if (renderTimer.current) clearTimeout(renderTimer.current);
      uploader.current?.pauseAll();
    };
  }, []);

  const get = () => {
    uploader.current ??= new ChunkedUploader({
      // Called through the global at request time: inside the Shopify admin, App Bridge wraps fetch to add the session token.
      fetch: (input, init) => fetch(input, init),
      onChange: (next) => {
        pending.current = next;
        renderTimer.current ??= setTimeout(() => {
          renderTimer.current = null;
          setSnapshot(pending.current);
        }, 100);
      },
      onFileComplete: () => {
        completed.current = true;
      },
    });
    return uploader.current;
  };
  return { snapshot, uploader: get };
}

export interface StudioUploadDropZoneProps {
  namingTemplate: string;
  exampleName: string | null;
  maxBytes: number;
}

/** Drop (or choose) any number of studio files; each is sent in chunks, three at a time, with overall and per-file progress. */
export function StudioUploadDropZone({ namingTemplate, exampleName, maxBytes }: StudioUploadDropZoneProps) {
  const { snapshot, uploader } = useStudioUploader();
  const [refused, setRefused] = useState<Refused[]>([]);

  const onDrop = (_all: File[], accepted: File[], rejected: File[]) => {
    const tooBig = accepted.filter((file) => file.size > maxBytes);
    const empty = accepted.filter((file) => file.size === 0);
    const refusedNow: Refused[] = [
      ...rejected.map((file) => ({ name: file.name, reason: `not a file the studio lane takes: upload ${ACCEPTED_STUDIO_EXTENSIONS} (export HEIC photos as JPEG)` })),
      ...tooBig.map((file) => ({ name: file.name, reason: `${formatBytes(file.size)} is more than ${formatBytes(maxBytes)}: export it smaller` })),
      ...empty.map((file) => ({ name: file.name, reason: "the file is empty (0 bytes): export it again" })),
    ];
    if (refusedNow.length > 0) setRefused((before) => [...refusedNow, ...before]);
    const fine = accepted.filter((file) => file.size > 0 && file.size <= maxBytes);
    if (fine.length > 0) uploader().add(fine);
  };

  const items = snapshot?.items ?? [];
  const busy = items.some((item) => item.state === "uploading" || item.state === "queued");

  // Closing the tab mid-upload loses nothing on the server (picking the same files again resumes them), but warn anyway.
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [busy]);

  const doneAll = snapshot !== null && snapshot.filesTotal > 0 && snapshot.filesDone === snapshot.filesTotal;

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Upload studio files
          </Text>
          <Text as="p" tone="subdued">
            Files are matched as <strong>{namingTemplate}</strong>
            {exampleName ? ` (for example ${exampleName})` : ""}; change it in <RemixLink to="/app/settings">Settings → Studio</RemixLink>. Files that match no product stay listed below
            with the reason, to assign by hand.
          </Text>
        </BlockStack>
        <DropZone accept={ACCEPT} allowMultiple onDrop={onDrop} label="Studio files" labelHidden id="studio-upload-drop-zone">
          <DropZone.FileUpload actionTitle="Add files" actionHint={`Images (JPEG, PNG, TIFF, WebP, AVIF) and videos (MP4, MOV, WebM; name a clip by the video view), up to ${formatBytes(maxBytes)} each. Drop a whole folder's files at once.`} />
        </DropZone>
        {refused.length > 0 ? (
          <Banner tone="warning" title={`${refused.length} ${refused.length === 1 ? "file was" : "files were"} not uploaded`} onDismiss={() => setRefused([])}>
            <BlockStack gap="050">
              {refused.slice(0, 20).map((file, i) => (
                <Text as="p" key={`${file.name}-${i}`} variant="bodySm">{`${file.name}: ${file.reason}`}</Text>
              ))}
              {refused.length > 20 ? <Text as="p" variant="bodySm">{`and ${refused.length - 20} more`}</Text> : null}
            </BlockStack>
          </Banner>
        ) : null}
        {snapshot && snapshot.filesTotal > 0 ? (
          <BlockStack gap="300">
            <BlockStack gap="100">
              <ProgressBar
                progress={progressPercent(snapshot.bytesDone, snapshot.bytesTotal)}
                animated={busy}
                tone={snapshot.failed > 0 ? "critical" : doneAll ? "success" : "highlight"}
                ariaLabelledBy="studio-upload-overall"
              />
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <div role="status">
                  <Text as="p" id="studio-upload-overall">
                    {uploadProgressText(snapshot)}
                  </Text>
                </div>
                <InlineStack gap="200">
                  {busy ? <Button onClick={() => uploader().pauseAll()}>Pause all</Button> : null}
                  {snapshot.paused > 0 ? <Button onClick={() => uploader().resumeAll()}>Resume all</Button> : null}
                  {snapshot.failed > 0 ? <Button onClick={() => uploader().retryFailed()}>{`Retry failed (${snapshot.failed})`}</Button> : null}
                  {!busy && snapshot.filesDone > 0 ? (
                    <Button variant="plain" onClick={() => uploader().clearFinished()}>
                      Clear finished
                    </Button>
                  ) : null}
                </InlineStack>
              </InlineStack>
            </BlockStack>
            <Box borderColor="border" borderWidth="025" borderRadius="200">
              <Scrollable style={{ maxHeight: 360 }} focusable>
                <ul aria-label="Files being uploaded" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                  {items.map((item) => (
                    <UploadRow key={item.key} item={item} uploader={uploader} />
                  ))}
                </ul>
              </Scrollable>
            </Box>
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

const STATE_TEXT: Record<UploadItem["state"], string> = { queued: "Waiting", uploading: "Uploading", paused: "Paused", done: "Uploaded", failed: "Failed" };

function UploadRow({ item, uploader }: { item: UploadItem; uploader: () => ChunkedUploader }) {
  const percent = item.state === "done" ? 100 : progressPercent(item.uploadedBytes, item.size);
  const labelId = `studio-upload-item-${item.key}`;
  return (
    <li data-upload-item={item.name} data-state={item.state} style={{ padding: "8px 12px", borderBottom: "1px solid var(--p-color-border-secondary)" }}>
      <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 2fr) 160px minmax(0, 1.4fr) 90px", gap: 12, alignItems: "center" }}>
        <BlockStack gap="050">
          <Text as="span" variant="bodySm" fontWeight="medium" truncate id={labelId}>
            {item.name}
          </Text>
          <Text as="span" variant="bodySm" tone="subdued">
            {`${formatBytes(item.uploadedBytes)} of ${formatBytes(item.size)}`}
          </Text>
        </BlockStack>
        <ProgressBar progress={percent} size="small" tone={item.state === "failed" ? "critical" : item.state === "done" ? "success" : "highlight"} ariaLabelledBy={labelId} />
        <BlockStack gap="050">
          <InlineStack gap="100" blockAlign="center">
            <Text as="span" variant="bodySm">
              {STATE_TEXT[item.state]}
            </Text>
            {item.result ? <StudioFileStatusBadge status={item.result.status} /> : null}
          </InlineStack>
          {item.error ? (
            <Text as="span" variant="bodySm" tone={item.state === "failed" ? "critical" : "caution"}>
              {item.error}
            </Text>
          ) : item.result?.reason ? (
            <Text as="span" variant="bodySm" tone="subdued">
              {item.result.reason}
            </Text>
          ) : null}
        </BlockStack>
        <InlineStack align="end">
          {item.state === "queued" || item.state === "uploading" ? (
            <Button size="slim" onClick={() => uploader().pause(item.key)} accessibilityLabel={`Pause ${item.name}`}>
              Pause
            </Button>
          ) : item.state === "paused" ? (
            <Button size="slim" onClick={() => uploader().resume(item.key)} accessibilityLabel={`Resume ${item.name}`}>
              Resume
            </Button>
          ) : item.state === "failed" ? (
            <Button size="slim" onClick={() => uploader().retry(item.key)} accessibilityLabel={`Retry ${item.name}`}>
              Retry
            </Button>
          ) : null}
        </InlineStack>
      </div>
    </li>
  );
}
