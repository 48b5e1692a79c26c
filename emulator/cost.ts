import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  isInterfaceType,
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
 * times the cost of one node (pageInfo and the edge wrappers are free), and a
 * mutation's root field 10. Where a selection branches on the concrete type
 * (fragments on an interface or union), the dearest branch counts.
 */

export const MAX_QUERY_COST = 1000;
const MUTATION_FIELD_COST = 10;

type Fragments = Record<string, FragmentDefinitionNode>;

interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Fragments;
}

export function requestedQueryCost({ schema, operation, fragments }: CostInput, variables: Record<string, unknown>): number {
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;
  const ctx = { schema, fragments };
  let cost = 0;
  for (const { field, selection } of fieldsOf(ctx, root, operation.selectionSet)) {
    if (operation.operation !== "mutation") {
      cost += fieldCost(ctx, field, selection, variables);
      continue;
    }
    // A mutation's root field is priced at 10 instead of 1; what its payload selects is added.
    const payload = getNamedType(field.type);
    cost += MUTATION_FIELD_COST + (selection.selectionSet ? requestedSelectionCost(ctx, payload, selection.selectionSet, variables) : 0);
  }
  return Math.max(cost, 1);
}

/**
 * The same model over what was returned: each connection is priced by the
 * nodes it really holds, missing objects cost nothing. Never above the
 * requested cost; a mutation is charged as requested.
 */
export function actualQueryCost({ schema, operation, fragments }: CostInput, data: unknown, requested: number): number {
  if (operation.operation === "mutation") return requested;
  const root = schema.getQueryType();
  if (!root) return 0;
  return Math.min(requested, Math.max(1, dataCost({ schema, fragments }, root, operation.selectionSet, data)));
}

interface WalkContext {
  schema: GraphQLSchema;
  fragments: Fragments;
}

/** Every field selected under a selection set, fragments expanded, with the type that owns it. */
function* fieldsOf(ctx: WalkContext, parent: GraphQLNamedType, selectionSet: SelectionSetNode): Generator<{ owner: GraphQLNamedType; field: GraphQLField<unknown, unknown>; selection: FieldNode }> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
      const field = fields[selection.name.value];
      if (field) yield { owner: parent, field, selection };
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? ctx.fragments[selection.name.value] : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? ctx.schema.getType(fragment.typeCondition.name.value) : undefined;
      yield* fieldsOf(ctx, condition ?? parent, fragment.selectionSet);
    }
  }
}

/**
 * Sums field costs, except that fields owned by different concrete types
 * (branches on an abstract parent) are alternatives: only the dearest counts.
 */
function sumWithBranches(ctx: WalkContext, parent: GraphQLNamedType, selectionSet: SelectionSetNode, cost: (field: GraphQLField<unknown, unknown>, selection: FieldNode) => number): number {
  let common = 0;
  const branches = new Map<string, number>();
  for (const { owner, field, selection } of fieldsOf(ctx, parent, selectionSet)) {
    const c = cost(field, selection);
    if (owner === parent || isAbstractType(owner) || !isAbstractType(parent)) common += c;
    else branches.set(owner.name, (branches.get(owner.name) ?? 0) + c);
  }
  return common + Math.max(0, ...branches.values());
}

function requestedSelectionCost(ctx: WalkContext, parent: GraphQLNamedType, selectionSet: SelectionSetNode, variables: Record<string, unknown>): number {
  return sumWithBranches(ctx, parent, selectionSet, (field, selection) => fieldCost(ctx, field, selection, variables));
}

const isConnection = (type: GraphQLNamedType) => type.name.endsWith("Connection");

function fieldCost(ctx: WalkContext, field: GraphQLField<unknown, unknown>, selection: FieldNode, variables: Record<string, unknown>): number {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return 0;
  if (!selection.selectionSet) return 1;
  if (!isConnection(type)) return 1 + requestedSelectionCost(ctx, type, selection.selectionSet, variables);
  const size = pageSize(selection, variables);
  return 2 + size * connectionNodeCost(ctx, type, selection.selectionSet, (nodeType, nodeSelection) => requestedSelectionCost(ctx, nodeType, nodeSelection, variables));
}

/** `first` or `last` from literals or variables; 1 when neither is given. */
function pageSize(selection: FieldNode, variables: Record<string, unknown>): number {
  for (const name of ["first", "last"]) {
    const value = selection.arguments?.find((a) => a.name.value === name)?.value;
    const n = argumentNumber(value, variables);
    if (n !== undefined) return n;
  }
  return 1;
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

/** The cost of one node of a connection: 1 plus what `nodes { … }` or `edges { node { … } }` select (the dearer). */
function connectionNodeCost(ctx: WalkContext, connection: GraphQLNamedType, selectionSet: SelectionSetNode, nodeSelectionCost: (nodeType: GraphQLNamedType, nodeSelection: SelectionSetNode) => number): number {
  let cost = 0;
  for (const { field, selection } of fieldsOf(ctx, connection, selectionSet)) {
    const type = getNamedType(field.type);
    if (field.name === "nodes" && selection.selectionSet) cost = Math.max(cost, nodeSelectionCost(type, selection.selectionSet));
    if (field.name === "edges" && selection.selectionSet) {
      for (const inner of fieldsOf(ctx, type, selection.selectionSet)) {
        if (inner.field.name === "node" && inner.selection.selectionSet) cost = Math.max(cost, nodeSelectionCost(getNamedType(inner.field.type), inner.selection.selectionSet));
      }
    }
  }
  return 1 + cost;
}

function dataCost(ctx: WalkContext, parent: GraphQLNamedType, selectionSet: SelectionSetNode, data: unknown): number {
  if (!data || typeof data !== "object") return 0;
  const record = data as Record<string, unknown>;
  let total = 0;
  // Branches the runtime type did not take are absent from the data, so a plain sum is right here.
  for (const { field, selection } of fieldsOf(ctx, parent, selectionSet)) {
    const value = record[selection.alias?.value ?? selection.name.value];
    const type = getNamedType(field.type);
    if (value === null || value === undefined || isLeafType(type) || !selection.selectionSet) continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item === null || typeof item !== "object") continue;
      total += isConnection(type) ? 2 + returnedNodesCost(ctx, type, selection.selectionSet, item as Record<string, unknown>) : 1 + dataCost(ctx, type, selection.selectionSet, item);
    }
  }
  return total;
}

/** Each returned node costs 1 plus its own data; a node listed under both `nodes` and `edges` counts once. */
function returnedNodesCost(ctx: WalkContext, connection: GraphQLNamedType, selectionSet: SelectionSetNode, value: Record<string, unknown>): number {
  let best = 0;
  for (const { field, selection } of fieldsOf(ctx, connection, selectionSet)) {
    const list = value[selection.alias?.value ?? selection.name.value];
    if (!Array.isArray(list) || !selection.selectionSet) continue;
    const type = getNamedType(field.type);
    let cost = 0;
    if (field.name === "nodes") {
      for (const node of list) cost += 1 + dataCost(ctx, type, selection.selectionSet, node);
    } else if (field.name === "edges") {
      for (const edge of list) {
        for (const inner of fieldsOf(ctx, type, selection.selectionSet)) {
          const node = (edge as Record<string, unknown> | null)?.[inner.selection.alias?.value ?? inner.selection.name.value];
          if (inner.field.name === "node" && inner.selection.selectionSet && node) cost += 1 + dataCost(ctx, getNamedType(inner.field.type), inner.selection.selectionSet, node);
        }
      }
    }
    best = Math.max(best, cost);
  }
  return best;
}
