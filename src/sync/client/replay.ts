import { produce } from "immer";
import { applyCommand } from "../core/apply";
import { mapPath } from "../core/path";
import type { Command, Doc, MappedPath } from "../protocol";

/**
 * S3: applies completions the master already applied onto a base at their starting version. They
 * cannot collide or fail on a faithful base; if one does, the base has diverged and the caller must
 * reload (returns null).
 */
export function replayCompletions(base: Doc, completions: readonly Command[]): Doc | null {
  let failed = false;
  const next = produce(base, (draft) => {
    for (const completion of completions) {
      if (!applyCommand(draft, completion, { onCollision: "fail" }).ok) {
        failed = true;
        return;
      }
    }
  });
  return failed ? null : next;
}

export interface RebaseResult {
  document: Doc;
  /** The commands that still apply, rewritten to the paths and ids they now have. */
  kept: Command[];
  /** R3: commands that no longer apply, with the reason; the caller reports them. */
  dropped: { command: Command; message: string }[];
}

/**
 * R2/R3: replays still-unsent commands on a new base, following renamed paths. A command that no
 * longer applies (its target was deleted by someone else, say) is dropped and returned as such.
 */
export function rebaseCommands(
  base: Doc,
  commands: readonly Command[],
  mappedPaths: readonly MappedPath[] = [],
): RebaseResult {
  const kept: Command[] = [];
  const dropped: RebaseResult["dropped"] = [];
  const local: MappedPath[] = [...mappedPaths];
  const document = produce(base, (draft) => {
    for (const original of commands) {
      const path = mapPath(original.path, local);
      const command = path === original.path ? original : { ...original, path };
      const outcome = applyCommand(draft, command, { onCollision: "rename" });
      if (!outcome.ok) {
        dropped.push({ command: original, message: outcome.message });
        continue;
      }
      if (outcome.mapped && original.createdId !== undefined) {
        local.push({ from: [...original.path, original.createdId], to: outcome.mapped.to });
      }
      kept.push(outcome.completion);
    }
  });
  return { document, kept, dropped };
}
