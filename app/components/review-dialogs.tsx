import { BlockStack, Box, Button, ChoiceList, InlineStack, KeyboardKey, Text, TextField } from "@shopify/polaris";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { REJECT_REASON_LABELS, REJECT_REASONS, reviewDecisionSchema, type RejectReason } from "../review/review-decision";
import { isTypingTarget } from "./use-review-keyboard";

/**
 * A modal built on the native <dialog>: the browser keeps focus inside and
 * makes the page behind it inert; Escape cancels. The opener puts focus back
 * where it belongs when it closes (the card, or the next one).
 */
function NativeDialog({ open, onCancel, labelledBy, children, onKeyDown }: { open: boolean; onCancel: () => void; labelledBy: string; children: ReactNode; onKeyDown?: (event: React.KeyboardEvent<HTMLDialogElement>) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const cancel = (event: Event) => {
      event.preventDefault();
      onCancel();
    };
    dialog.addEventListener("cancel", cancel);
    return () => dialog.removeEventListener("cancel", cancel);
  }, [onCancel]);
  return (
    <dialog ref={ref} className="review-dialog" aria-labelledby={labelledBy} onKeyDown={onKeyDown}>
      {open ? children : null}
    </dialog>
  );
}

export interface RejectDialogProps {
  open: boolean;
  /** What is being rejected, for the title: "Linen Wrap Dress, front view" or "3 selected assets". */
  subject: string;
  assetIds: string[];
  onConfirm: (decision: { reason: RejectReason; note?: string }) => void;
  onCancel: () => void;
}

/** The reject reason picker: 1–7 choose a reason, Enter rejects, Escape cancels; a note is required for Other. */
export function RejectDialog({ open, subject, assetIds, onConfirm, onCancel }: RejectDialogProps) {
  const titleId = useId();
  const [reason, setReason] = useState<RejectReason | null>(null);
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const body = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    setReason(null);
    setNote("");
    setErrors({});
  }, [open]);

  // Focus the reason list when the dialog opens so arrows and digits work at once.
  useEffect(() => {
    if (open) requestAnimationFrame(() => body.current?.querySelector<HTMLInputElement>("input[type=radio]")?.focus());
  }, [open]);

  const confirm = () => {
    // The action's own schema, so the dialog refuses exactly what the server would.
    const parsed = reviewDecisionSchema.safeParse({ intent: "reject", assetIds, reason: reason ?? undefined, note: note.trim() || undefined });
    if (!parsed.success) {
      const found: Record<string, string> = {};
      for (const issue of parsed.error.issues) found[String(issue.path[0] ?? "reason")] ??= issue.message;
      setErrors(found);
      if (found.note && !found.reason) body.current?.querySelector<HTMLInputElement>("input[type=text]")?.focus();
      return;
    }
    onConfirm({ reason: reason!, ...(note.trim() ? { note: note.trim() } : {}) });
  };

  const choose = (next: RejectReason) => {
    setReason(next);
    setErrors((e) => ({ ...e, reason: "" }));
    body.current?.querySelector<HTMLInputElement>(`input[type=radio][value="${next}"]`)?.focus();
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLDialogElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    if (/^[1-7]$/.test(event.key) && !isTypingTarget(target)) {
      event.preventDefault();
      choose(REJECT_REASONS[Number(event.key) - 1]);
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && target.tagName !== "BUTTON" && target.tagName !== "TEXTAREA") {
      event.preventDefault();
      confirm();
    }
  };

  return (
    <NativeDialog open={open} onCancel={onCancel} labelledBy={titleId} onKeyDown={onKeyDown}>
      <Box padding="400">
        <div ref={body}>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd" id={titleId}>
              Reject {subject}
            </Text>
            <ChoiceList
              title="Reason"
              choices={REJECT_REASONS.map((value, i) => ({ value, label: `${i + 1} · ${REJECT_REASON_LABELS[value]}` }))}
              selected={reason ? [reason] : []}
              onChange={(selected) => choose(selected[0] as RejectReason)}
              error={errors.reason || undefined}
            />
            <TextField
              label={reason === "other" ? "Note (required for Other)" : "Note (optional)"}
              value={note}
              onChange={(value) => {
                setNote(value);
                setErrors((e) => ({ ...e, note: "" }));
              }}
              autoComplete="off"
              maxLength={500}
              error={errors.note || undefined}
              helpText="Goes to the audit trail and helps fix the recipe."
            />
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" variant="bodySm" tone="subdued">
                <KeyboardKey size="small">1</KeyboardKey>–<KeyboardKey size="small">7</KeyboardKey> reason · <KeyboardKey size="small">Enter</KeyboardKey> reject · <KeyboardKey size="small">Esc</KeyboardKey> cancel
              </Text>
            </InlineStack>
            <InlineStack align="end" gap="200">
              <Button onClick={onCancel}>Cancel</Button>
              <Button variant="primary" tone="critical" onClick={confirm}>
                Reject
              </Button>
            </InlineStack>
          </BlockStack>
        </div>
      </Box>
    </NativeDialog>
  );
}

export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onCancel }: { open: boolean; title: string; children: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void }) {
  const titleId = useId();
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) requestAnimationFrame(() => body.current?.querySelector<HTMLButtonElement>("[data-confirm] button, button[data-confirm]")?.focus());
  }, [open]);
  return (
    <NativeDialog open={open} onCancel={onCancel} labelledBy={titleId}>
      <Box padding="400">
        <div ref={body}>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd" id={titleId}>
              {title}
            </Text>
            {children}
            <InlineStack align="end" gap="200">
              <Button onClick={onCancel}>Cancel</Button>
              <span data-confirm>
                <Button variant="primary" onClick={onConfirm}>
                  {confirmLabel}
                </Button>
              </span>
            </InlineStack>
          </BlockStack>
        </div>
      </Box>
    </NativeDialog>
  );
}
