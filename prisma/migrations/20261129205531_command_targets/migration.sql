-- AlterTable
ALTER TABLE "board_command" ADD COLUMN     "itemId" TEXT,
ADD COLUMN     "listId" TEXT;

-- Backfill what every stored command targets, as src/board/targets.ts does for new ones: list L
-- is at ["lists", L], item I of L at ["lists", L, "items", I], and a create names what it
-- creates in createdId. (Before the indexes, so they are built once.)
UPDATE "board_command" SET
  "listId" = CASE
    WHEN path = '["lists"]'::jsonb THEN CASE WHEN action = 'create' THEN "createdId" END
    WHEN path->>0 = 'lists' AND (jsonb_array_length(path) = 2
      OR (jsonb_array_length(path) IN (3, 4) AND path->>2 = 'items')) THEN path->>1
  END,
  "itemId" = CASE
    WHEN path->>0 = 'lists' AND path->>2 = 'items' AND jsonb_array_length(path) = 4 THEN path->>3
    WHEN path->>0 = 'lists' AND path->>2 = 'items' AND jsonb_array_length(path) = 3
      AND action = 'create' THEN "createdId"
  END
WHERE jsonb_typeof(path) = 'array' AND path->>0 = 'lists';

-- CreateIndex
CREATE INDEX "board_command_item_idx" ON "board_command"("boardId", "itemId", "version") WHERE ("itemId" IS NOT NULL);

-- CreateIndex
CREATE INDEX "board_command_list_idx" ON "board_command"("boardId", "listId", "version") WHERE ("itemId" IS NULL AND "listId" IS NOT NULL);

-- CreateIndex
CREATE INDEX "board_command_delete_idx" ON "board_command"("boardId", "version") WHERE (action = 'delete');
