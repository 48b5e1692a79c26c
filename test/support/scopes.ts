import { getNamedType, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";
import type { ScopeRequirement } from "../../emulator/admin-schema";

/**
 * The access-scope requirements a document triggers: for every field it
 * selects, the field's own entry and its return type's entry in Shopify's scope
 * table. Each requirement is a list of alternatives (the table says "x or y").
 */
export function scopeRequirements(schema: GraphQLSchema, document: DocumentNode, table: ScopeRequirement[]): string[][] {
  const byType = new Map(table.filter((e) => e.type === "type").map((e) => [e.typeName, e.offlineScopes]));
  const byField = new Map(table.filter((e) => e.type === "field").map((e) => [`${e.typeName}.${e.fieldName}`, e.offlineScopes]));
  const requirements: string[][] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD]() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        const own = byField.get(`${parent.name}.${field.name}`);
        const ofType = byType.get(getNamedType(field.type).name);
        for (const scopes of [own, ofType]) if (scopes && scopes.length > 0) requirements.push(scopes);
      },
    }),
  );
  return requirements;
}

/** A write scope grants its read scope. */
const grants = (held: Set<string>, scope: string) => held.has(scope) || held.has(scope.replace(/^read_/, "write_"));

/**
 * The smallest scope list meeting every requirement: single-choice
 * requirements first, then the first alternative of any still unmet one; read
 * scopes implied by a held write scope are dropped.
 */
export function minimalScopes(requirements: string[][]): string[] {
  const held = new Set<string>();
  for (const req of requirements.filter((r) => r.length === 1)) held.add(req[0]);
  for (const req of requirements) if (!req.some((s) => grants(held, s))) held.add(req[0]);
  return [...held].filter((s) => !(s.startsWith("read_") && held.has(s.replace(/^read_/, "write_")))).sort();
}
