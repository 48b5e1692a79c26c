/**
 * Hands a fetched file to the browser as a download, named by the response's
 * Content-Disposition (else `fallbackName`). Pages fetch downloads instead of
 * linking to them because inside the Shopify admin App Bridge adds the session
 * token to fetch() only. Browser-only.
 */
export async function saveResponseAsFile(response: Response, fallbackName: string): Promise<void> {
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has started reading the blob by then; revoking frees it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
