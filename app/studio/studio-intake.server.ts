/**
 * Studio files in (issue #8): INTERFACE STUB, implemented by the studio-intake
 * work. Uploads (chunked, in the app) and the watched prefix both end here.
 */
import type { PrismaClient } from "@prisma/client";
import type { AssetStore } from "../storage/asset-store";

export interface StudioIntakeDeps {
  db: PrismaClient;
  store: AssetStore;
}

/** What the pages and the upload API show of one studio file. */
export interface StudioUploadView {
  id: string;
  channel: "upload" | "watch";
  fileName: string;
  /** uploading | unmatched | ambiguous | rejected | duplicate | ingested | failed | discarded */
  status: string;
  reason: string | null;
  suggestions: string[];
  /** Products an ambiguous file could belong to. */
  candidates: { productId: string; title: string }[];
  productId: string | null;
  productTitle: string | null;
  sku: string | null;
  colour: string | null;
  assetKind: string | null;
  assetId: string | null;
  size: number;
  receivedBytes: number;
  createdAt: string;
}

export interface RegisterStudioFileInput {
  shopId: string;
  channel: "upload" | "watch";
  fileName: string;
  /** upload: the browser's resume key; watch: the object key or path. */
  sourceKey: string;
  /** watch only: key + size + modified time (imports a file once). */
  watchKey?: string;
  bytes: Buffer;
  actor: string;
  /** A chunked upload's StudioUpload row, completed by this call (else a new row is made). */
  uploadId?: string;
}

/**
 * Validates the bytes (a real image, within limits), stores them, matches the
 * name against the shop's convention and catalog, and for a match creates the
 * studio asset and starts its post-production and checks. Never throws for a
 * bad file: the row records why.
 */
export async function registerStudioFile(_deps: StudioIntakeDeps, _input: RegisterStudioFileInput): Promise<StudioUploadView> {
  throw new Error("registerStudioFile: not implemented yet");
}

export type AssignResult = { ok: true; upload: StudioUploadView } | { ok: false; errors: Record<string, string> };

/** Hand assignment of an unmatched, ambiguous or duplicate-name file: product, view (plan asset kind) and colourway. */
export async function assignStudioUpload(_deps: StudioIntakeDeps, _shopId: string, _uploadId: string, _input: unknown, _actor: string): Promise<AssignResult> {
  throw new Error("assignStudioUpload: not implemented yet");
}

/** Sets a file aside on purpose (kept, with who and when). */
export async function discardStudioUpload(_db: PrismaClient, _shopId: string, _uploadId: string, _actor: string): Promise<StudioUploadView> {
  throw new Error("discardStudioUpload: not implemented yet");
}

/** The shop's studio files, newest first, optionally by status; 50 per page. */
export async function listStudioUploads(_db: PrismaClient, _shopId: string, _options: { status?: string[]; page?: number } = {}): Promise<{ uploads: StudioUploadView[]; total: number; counts: Record<string, number> }> {
  throw new Error("listStudioUploads: not implemented yet");
}
