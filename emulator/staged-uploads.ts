import type http from "node:http";
import { readBody } from "./http-util";
import type { EmulatorStore, StagedUpload } from "./store";

/**
 * The storage side of a staged upload (Shopify's targets are Google Cloud
 * Storage): `POST /staged-uploads/{id}` takes a multipart form with every
 * parameter stagedUploadsCreate returned and the file field last; `PUT`
 * takes the raw bytes. A VIDEO's size must be exactly the signed fileSize.
 * Errors answer in the storage service's XML, not JSON.
 */

const MAX_UPLOAD_BYTES = 1024 ** 3 + 1_000_000;

function sendXmlError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const escaped = message.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const body = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${escaped}</Message></Error>`;
  res.writeHead(status, { "Content-Type": "application/xml; charset=UTF-8", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function sizeMismatch(upload: StagedUpload, bytes: Buffer): { code: string; message: string } | null {
  if (upload.resource !== "VIDEO" || bytes.length === upload.fileSize) return null;
  return {
    code: bytes.length > (upload.fileSize ?? 0) ? "EntityTooLarge" : "EntityTooSmall",
    message: `Your proposed upload does not match the signed policy: fileSize ${upload.fileSize} was signed, ${bytes.length} bytes were sent`,
  };
}

export async function handleStagedUpload(store: EmulatorStore, req: http.IncomingMessage, res: http.ServerResponse, id: string): Promise<void> {
  const upload = store.stagedUploads.get(id);
  if (!upload) return sendXmlError(res, 404, "NoSuchUpload", "No such staged upload target");
  if (req.method !== upload.httpMethod) return sendXmlError(res, 405, "MethodNotAllowed", `This target was staged for ${upload.httpMethod}`);
  const raw = await readBody(req, MAX_UPLOAD_BYTES);

  if (upload.httpMethod === "PUT") {
    const mismatch = sizeMismatch(upload, raw);
    if (mismatch) return sendXmlError(res, 400, mismatch.code, mismatch.message);
    upload.bytes = raw;
    res.writeHead(200).end();
    return;
  }

  let form: FormData;
  try {
    form = await new Request("http://emulator.local/upload", { method: "POST", headers: { "content-type": String(req.headers["content-type"] ?? "") }, body: new Uint8Array(raw) }).formData();
  } catch {
    return sendXmlError(res, 400, "InvalidArgument", "The upload must be multipart/form-data");
  }
  const entries = [...form.entries()];
  for (const parameter of upload.parameters) {
    const field = entries.find(([name]) => name === parameter.name);
    if (!field || field[1] !== parameter.value) {
      return sendXmlError(res, 400, "InvalidPolicyDocument", `Missing or altered form field ${parameter.name}: send every parameter stagedUploadsCreate returned, unchanged`);
    }
  }
  // Storage reads fields up to the file and ignores the rest, so a file before a parameter loses that parameter.
  const last = entries[entries.length - 1];
  if (!last || last[0] !== "file" || typeof last[1] === "string") return sendXmlError(res, 400, "InvalidArgument", "The file field must be present and come last in the form");
  const bytes = Buffer.from(await last[1].arrayBuffer());
  const mismatch = sizeMismatch(upload, bytes);
  if (mismatch) return sendXmlError(res, 400, mismatch.code, mismatch.message);
  upload.bytes = bytes;
  const key = upload.parameters.find((p) => p.name === "key")?.value ?? "";
  const body = `<?xml version="1.0" encoding="UTF-8"?><PostResponse><Location>${store.baseUrl}/staged/${upload.id}</Location><Key>${key}</Key></PostResponse>`;
  res.writeHead(201, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
