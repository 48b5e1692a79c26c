import type { z } from "zod";

export type ParsedSearchParams<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string>; value: T };

/**
 * A page's URL parameters through its zod object schema: unknown parameters
 * are ignored, an invalid one falls back to its default and is reported by
 * name, so a hand-edited or stale link still opens the page and says what it
 * ignored. Pure and browser-safe.
 */
export function parseSearchParams<S extends z.ZodObject>(schema: S, params: URLSearchParams): ParsedSearchParams<z.output<S>> {
  const raw = Object.fromEntries([...params.entries()].filter(([key]) => key in schema.shape));
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, string> = {};
  const cleaned: Record<string, string> = { ...raw };
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "query");
    errors[field] = `${field} ${issue.message}`;
    delete cleaned[field];
  }
  return { ok: false, errors, value: schema.parse(cleaned) };
}
