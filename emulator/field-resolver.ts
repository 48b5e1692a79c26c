import { GraphQLError, type GraphQLFieldResolver } from "graphql";
import type { ApiContext } from "./objects";

export const notImplemented = (typeName: string, fieldName: string) =>
  new GraphQLError(`The Shotlane store emulator does not implement ${typeName}.${fieldName}`, { extensions: { code: "NOT_IMPLEMENTED_IN_EMULATOR" } });

/**
 * Resolves from plain objects: an own property is the value (even when null),
 * a function property is called with the field's arguments. A field the
 * emulator does not model says so, instead of quietly answering null.
 */
export const fieldResolver: GraphQLFieldResolver<unknown, ApiContext> = (source, args, context, info) => {
  if (source !== null && typeof source === "object" && Object.prototype.hasOwnProperty.call(source, info.fieldName)) {
    const value = (source as Record<string, unknown>)[info.fieldName];
    return typeof value === "function" ? (value as (a: Record<string, unknown>, c: ApiContext) => unknown)(args, context) : value;
  }
  throw notImplemented(info.parentType.name, info.fieldName);
};
