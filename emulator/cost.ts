import {
  getNamedType,
  isLeafType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/**
 * Shopify's documented cost model, closely enough to exercise throttling:
 * scalars and enums cost 0, objects 1, connections 2 plus `first`/`last`
 * times the cost of one node, and a mutation's root field 10.
 */
export function requestedQueryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;
  let cost = selectionCost(schema, root, operation.selectionSet, fragments, variables);
  if (operation.operation === "mutation") cost += 10 * operation.selectionSet.selections.length - rootObjectCost(operation);
  return Math.max(cost, 1);
}

function rootObjectCost(operation: OperationDefinitionNode): number {
  // Mutation payload objects are priced by the flat 10, not again as objects.
  return operation.selectionSet.selections.length;
}

function argumentNumber(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === "number" ? v : undefined;
  }
  return undefined;
}

/** Every field selected under a selection set, with fragments expanded and typed by their condition. */
function* fieldSelections(
  schema: GraphQLSchema,
  parent: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
): Generator<{ parent: GraphQLNamedType; selection: FieldNode }> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      yield { parent, selection };
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments[selection.name.value];
      if (fragment) yield* fieldSelections(schema, schema.getType(fragment.typeCondition.name.value) ?? parent, fragment.selectionSet, fragments);
    } else {
      const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? parent) : parent;
      yield* fieldSelections(schema, type, selection.selectionSet, fragments);
    }
  }
}

function fieldsOf(type: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown>> {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
}

function selectionCost(
  schema: GraphQLSchema,
  parent: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  let total = 0;
  for (const { parent: owner, selection } of fieldSelections(schema, parent, selectionSet, fragments)) {
    const field = fieldsOf(owner)[selection.name.value];
    if (!field) continue;
    const type = getNamedType(field.type);
    if (isLeafType(type)) continue;
    const children = selection.selectionSet ? selectionCost(schema, type, selection.selectionSet, fragments, variables) : 0;
    if (type.name.endsWith("Connection")) {
      const args = Object.fromEntries((selection.arguments ?? []).map((a) => [a.name.value, a.value]));
      const size = argumentNumber(args.first, variables) ?? argumentNumber(args.last, variables) ?? 1;
      // One node's cost times the page size; pageInfo and the edge wrappers are free.
      const names = new Set((selection.selectionSet?.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])));
      const perNode = Math.max(1, children - (names.has("pageInfo") ? 1 : 0) - (names.has("edges") ? 1 : 0));
      total += 2 + size * perNode;
    } else if (isObjectType(type) || isInterfaceType(type) || isUnionType(type)) {
      total += 1 + children;
    }
  }
  return total;
}

/**
 * Actual cost: the same model over what was returned, with each connection
 * priced by the nodes it really holds. Never above the requested cost.
 */
export function actualQueryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  data: unknown,
  requested: number,
): number {
  if (operation.operation === "mutation") return requested;
  const root = schema.getQueryType();
  if (!root) return 0;
  return Math.min(requested, Math.max(1, dataCost(schema, root, operation.selectionSet, fragments, data)));
}

function dataCost(schema: GraphQLSchema, parent: GraphQLNamedType, selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, data: unknown): number {
  if (!data || typeof data !== "object") return 0;
  const record = data as Record<string, unknown>;
  let total = 0;
  for (const { parent: owner, selection } of fieldSelections(schema, parent, selectionSet, fragments)) {
    const field = fieldsOf(owner)[selection.name.value];
    const value = record[selection.alias?.value ?? selection.name.value];
    if (!field || value === null || value === undefined || !selection.selectionSet) continue;
    const type = getNamedType(field.type);
    if (isLeafType(type)) continue;
    if (Array.isArray(value)) {
      for (const item of value) total += 1 + dataCost(schema, type, selection.selectionSet, fragments, item);
    } else {
      total += (type.name.endsWith("Connection") ? 2 : 1) + dataCost(schema, type, selection.selectionSet, fragments, value);
    }
  }
  return total;
}

export interface BucketState {
  maximumAvailable: number;
  restoreRate: number;
  currentlyAvailable: number;
  updatedAt: number;
}

/** The leaky bucket, refilled continuously at restoreRate per second. */
export function refill(bucket: BucketState, now: number): BucketState {
  const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
  return { ...bucket, currentlyAvailable: Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + elapsed * bucket.restoreRate), updatedAt: now };
}
