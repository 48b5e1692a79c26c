import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface AppDocument {
  file: string;
  name: string;
  source: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [full] : [];
  });
}

/** How many `#graphql` literals each app/ and jobs/ source file holds. */
export function graphqlLiteralCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of [...sourceFiles("app"), ...sourceFiles("jobs")]) {
    const matches = readFileSync(file, "utf8").match(/`#graphql/g);
    if (matches) counts.set(file, matches.length);
  }
  return counts;
}

/**
 * Template literals in app/ and jobs/ that read as a GraphQL operation or
 * fragment but lack the `#graphql` marker, so the document check would miss them.
 */
export function untaggedGraphqlLiterals(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  for (const file of [...sourceFiles("app"), ...sourceFiles("jobs")]) {
    for (const match of readFileSync(file, "utf8").matchAll(/`\s*(?:(?:query|mutation|subscription)\b\s*\w*\s*[({]|fragment\s+\w+\s+on\s+\w+)/g)) {
      found.push({ file, text: match[0].slice(0, 60) });
    }
  }
  return found;
}

/** Every exported GraphQL document of the app: imports each file that holds one and takes its exported `#graphql` strings. */
export async function appGraphqlDocuments(): Promise<AppDocument[]> {
  const documents: AppDocument[] = [];
  for (const file of graphqlLiteralCounts().keys()) {
    const module = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "string" && value.trimStart().startsWith("#graphql")) documents.push({ file, name, source: value });
    }
  }
  return documents;
}
