import type { Prisma, PrismaClient } from "@prisma/client";

export interface AuditEntry {
  shopId: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  data?: Prisma.InputJsonValue;
}

/** Appends to the audit trail. There is deliberately no update or delete helper. */
export async function recordAuditEvent(db: PrismaClient | Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      shopId: entry.shopId,
      actor: entry.actor,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId ?? null,
      ...(entry.data === undefined ? {} : { data: entry.data }),
    },
  });
}
