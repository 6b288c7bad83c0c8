import { BOARD_FULL_MESSAGE, BOARD_LIMITS, countItems } from "@/board";
import type { BatchOutcome, Command, FlushRequest, FlushResponse, FlushStep } from "@/sync";
import { applyBatch, applyFlush } from "@/sync";
import { HistoryRefused } from "../errors";
import type { AppendedEntry, EntryMeta, EntryPlanner, LockedBoard } from "./entries";
import type { BoardState } from "./HotBoard";
import { boardRules } from "./rules";
import type { StoredBatch } from "./write-rows";

/** A flush waiting for its board's turn. */
export interface FlushJob {
  kind: "flush";
  request: FlushRequest;
  userId: string;
  /** The board's members among those the flush assigns (read only when it assigns someone). */
  members?: ReadonlySet<string>;
}

/** An undo, redo or restore waiting for its board's turn. */
export interface EntryJob {
  kind: "entry";
  userId: string;
  plan: EntryPlanner;
}

export type Job = FlushJob | EntryJob;
export type JobResult =
  | { ok: true; response: FlushResponse }
  | { ok: true; appended: AppendedEntry }
  | { ok: false; error: Error };

/** What a flush of a group came to, before the group commits: an outcome to answer, or a refusal. */
export type Step =
  | { kind: "answer"; outcome: BatchOutcome; from: number }
  | { kind: "error"; error: Error };

/**
 * A group of flushes applied in order on `base` by the board's rules: each flush's step, the
 * batches to store (a retry or a catch-up stores nothing) and the state they lead to. `known` holds each
 * client's last outcome and learns the group's.
 */
export function applyGroup(
  base: BoardState,
  known: Map<string, BatchOutcome>,
  jobs: FlushJob[],
  now: Date,
): { steps: Step[]; stored: StoredBatch[]; state: BoardState } {
  const steps: Step[] = [];
  const stored: StoredBatch[] = [];
  let state = base;
  for (const { request, userId, members } of jobs) {
    const context = { userId, now, itemCount: state.itemCount, members };
    let step: FlushStep;
    try {
      step = applyFlush(state, known.get(request.clientId), request, {
        interceptor: boardRules,
        context,
      });
    } catch (error) {
      steps.push({ kind: "error", error: error as Error });
      continue;
    }
    steps.push({ kind: "answer", outcome: step.outcome, from: request.from });
    if (step.kind !== "applied") continue; // a retry or a catch-up stores nothing
    stored.push({
      meta: { userId, clientId: request.clientId, batchSeq: request.batchSeq },
      completions: step.applied,
      outcome: step.outcome,
      before: state.document,
    });
    known.set(request.clientId, step.outcome);
    state = { ...step.state, itemCount: context.itemCount };
  }
  return { steps, stored, state };
}

/**
 * An undo, redo or restore planned on `base` (the board locked at its head) and applied: its
 * entry, its commands as applied and the state they lead to. Throws when the plan does not apply
 * (a bug) or would take a board over its item limit.
 */
export async function applyEntry(
  boardId: string,
  base: BoardState,
  plan: EntryPlanner,
  board: Pick<LockedBoard, "tx" | "read">,
): Promise<{ entry: EntryMeta; completions: Command[]; state: BoardState }> {
  const { entry, commands } = await plan({
    version: base.version,
    document: base.document,
    ...board,
  });
  const labelled = commands.map((c) => ({ ...c, actionId: entry.actionId, label: entry.label }));
  const result = applyBatch(base.document, base.version, labelled, { context: {} });
  if (result.errors.length > 0) {
    throw new Error(
      `The ${entry.kind} planned for ${boardId} does not apply: ${result.errors[0]?.message}`,
    );
  }
  const itemCount = countItems(result.document);
  if (itemCount > BOARD_LIMITS.items && itemCount > base.itemCount) {
    throw new HistoryRefused("refused", BOARD_FULL_MESSAGE);
  }
  const state = { version: result.version, document: result.document, itemCount };
  return { entry, completions: result.completions, state };
}
