-- Commands written before actions were required: one action per batch.
UPDATE "board_command" SET "actionId" = 'batch-' || "clientId" || '-' || "batchSeq"
WHERE "actionId" IS NULL;

-- AlterTable
ALTER TABLE "board_command" ALTER COLUMN "actionId" SET NOT NULL;

-- CreateTable
CREATE TABLE "board_action" (
    "seq" BIGSERIAL NOT NULL,
    "boardId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "fromVersion" INTEGER NOT NULL,
    "toVersion" INTEGER NOT NULL,
    "targetActionId" TEXT,
    "undone" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_action_pkey" PRIMARY KEY ("boardId","seq")
);

-- CreateIndex
CREATE INDEX "board_action_boardId_toVersion_idx" ON "board_action"("boardId", "toVersion");

-- CreateIndex
CREATE INDEX "board_action_boardId_userId_seq_idx" ON "board_action"("boardId", "userId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "board_action_boardId_actionId_key" ON "board_action"("boardId", "actionId");

-- AddForeignKey
ALTER TABLE "board_action" ADD CONSTRAINT "board_action_boardId_fkey" FOREIGN KEY ("boardId") REFERENCES "board"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: every existing action becomes an edit entry, in version order.
INSERT INTO "board_action" ("boardId", "actionId", "kind", "label", "userId", "fromVersion",
  "toVersion", "createdAt")
SELECT "boardId", "actionId", 'edit', COALESCE(MIN("label"), 'Edit'), MIN("userId"),
  MIN("version") - 1, MAX("version"), MIN("createdAt")
FROM "board_command"
GROUP BY "boardId", "actionId"
ORDER BY "boardId", MIN("version");
