import { Kind, OperationTypeNode, TypeInfo, getNamedType, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";
import type { ScopeRequirement } from "../../emulator/admin-schema";

/** A requirement in conjunctive form: every group must be met, by any one scope of the group. */
export type ScopeClauses = string[][];

/**
 * What one entry of Shopify's scope table requires. `offlineScopes` is a flat
 * list that mixes alternatives ("`read_products` or `read_publications`") with
 * conjunctions ("`read_customers` access scope. Also: Requires
 * `read_customer_payment_methods` scope", "`write_products` as well as any of
 * `write_own_subscription_contracts`, `write_purchase_options`"), so the
 * grouping is read from the entry's `requiredAccess` sentence: scopes named one
 * after another are alternatives unless the words between them say "and",
 * "as well as" or "Also:". Permission names in the sentence are not scopes and
 * are dropped (only names `offlineScopes` lists count). The one sentence that
 * differs by operation ("`x` for queries and both `x` as well as `y` for
 * mutations") is read for the operation at hand.
 */
export function entryClauses(entry: Pick<ScopeRequirement, "offlineScopes"> & { requiredAccess?: string }, operation: OperationTypeNode = OperationTypeNode.QUERY): ScopeClauses {
  const scopes = entry.offlineScopes;
  if (scopes.length === 0) return [];
  let text = entry.requiredAccess ?? "";
  const byOperation = /^(.*) for queries and (.*) for mutations\.?$/s.exec(text);
  if (byOperation) text = operation === OperationTypeNode.MUTATION ? byOperation[2] : byOperation[1];
  const names = [...text.matchAll(/`([a-z_]+)`/g)].filter((m) => scopes.includes(m[1]));
  // A sentence the parser cannot place every scope of is taken as plain alternatives, as the flat list reads.
  if (names.length === 0 || (!byOperation && !scopes.every((s) => names.some((m) => m[1] === s)))) return [[...new Set(scopes)]];
  const clauses: ScopeClauses = [[names[0][1]]];
  for (let i = 1; i < names.length; i++) {
    const between = text.slice(names[i - 1].index! + names[i - 1][0].length, names[i].index);
    if (/\band\b|as well as|Also:/i.test(between)) clauses.push([names[i][1]]);
    else clauses[clauses.length - 1].push(names[i][1]);
  }
  return clauses.map((group) => [...new Set(group)]);
}

/**
 * The access-scope requirements a document triggers: for every field it
 * selects, the field's own entry, its parent type's entry (so an inline
 * fragment `... on MediaImage` counts) and its return type's entry in
 * Shopify's scope table.
 */
export function scopeRequirements(schema: GraphQLSchema, document: DocumentNode, table: ScopeRequirement[]): ScopeClauses {
  const byType = new Map(table.filter((e) => e.type === "type").map((e) => [e.typeName, e]));
  const byField = new Map(table.filter((e) => e.type === "field").map((e) => [`${e.typeName}.${e.fieldName}`, e]));
  const requirements: ScopeClauses = [];
  const typeInfo = new TypeInfo(schema);
  // A fragment-only document is spread into queries.
  let operation: OperationTypeNode = OperationTypeNode.QUERY;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.OPERATION_DEFINITION](node) {
        operation = node.operation;
      },
      [Kind.FIELD]() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        for (const entry of [byField.get(`${parent.name}.${field.name}`), byType.get(parent.name), byType.get(getNamedType(field.type).name)]) {
          if (entry) requirements.push(...entryClauses(entry, operation));
        }
      },
    }),
  );
  return requirements;
}

/** A write scope grants its read scope. */
const grants = (held: Set<string>, scope: string) => held.has(scope) || held.has(scope.replace(/^read_/, "write_"));

/**
 * The smallest scope list meeting every clause. Single-choice clauses are
 * forced; each clause still unmet then takes the alternative that meets the
 * most unmet clauses, ties going to the one Shopify lists first (its primary
 * scope). Read scopes implied by a held write scope are dropped.
 */
export function minimalScopes(requirements: ScopeClauses): string[] {
  const held = new Set<string>();
  for (const clause of requirements) if (clause.length === 1) held.add(clause[0]);
  for (;;) {
    const unmet = requirements.filter((clause) => !clause.some((s) => grants(held, s)));
    if (unmet.length === 0) break;
    let best = unmet[0][0];
    let bestCount = 0;
    for (const scope of unmet[0]) {
      const count = unmet.filter((clause) => clause.some((s) => s === scope || scope === s.replace(/^read_/, "write_"))).length;
      if (count > bestCount) [best, bestCount] = [scope, count];
    }
    held.add(best);
  }
  return [...held].filter((s) => !(s.startsWith("read_") && held.has(s.replace(/^read_/, "write_")))).sort();
}
