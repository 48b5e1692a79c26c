import type http from "node:http";

/** An error with the HTTP status the emulator answers it with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Field-level problems (422), as `{ field, message }`. */
    readonly fields?: { field: string; message: string }[],
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; an empty body is `{}`. */
export async function readJson(req: http.IncomingMessage, limit = 1_000_000): Promise<unknown> {
  const text = (await readBody(req, limit)).toString("utf8");
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "The body is not valid JSON");
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendBytes(res: http.ServerResponse, contentType: string, bytes: Buffer): void {
  res.writeHead(200, { "Content-Type": contentType, "Content-Length": bytes.length, "Cache-Control": "public, max-age=86400" });
  res.end(bytes);
}
