-- CreateTable
CREATE TABLE "board_command" (
    "boardId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "path" JSONB NOT NULL,
    "props" JSONB,
    "parentDefault" JSONB,
    "createdId" TEXT,
    "actionId" TEXT,
    "label" TEXT,
    "userId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "batchSeq" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_command_pkey" PRIMARY KEY ("boardId","version")
);

-- CreateTable
CREATE TABLE "board_checkpoint" (
    "boardId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_checkpoint_pkey" PRIMARY KEY ("boardId","version")
);

-- CreateTable
CREATE TABLE "board_batch" (
    "boardId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "batchSeq" INTEGER NOT NULL,
    "outcome" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_batch_pkey" PRIMARY KEY ("boardId","clientId","batchSeq")
);

-- CreateIndex
CREATE INDEX "board_command_boardId_actionId_idx" ON "board_command"("boardId", "actionId");

-- AddForeignKey
ALTER TABLE "board_command" ADD CONSTRAINT "board_command_boardId_fkey" FOREIGN KEY ("boardId") REFERENCES "board"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "board_checkpoint" ADD CONSTRAINT "board_checkpoint_boardId_fkey" FOREIGN KEY ("boardId") REFERENCES "board"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "board_batch" ADD CONSTRAINT "board_batch_boardId_fkey" FOREIGN KEY ("boardId") REFERENCES "board"("id") ON DELETE CASCADE ON UPDATE CASCADE;
