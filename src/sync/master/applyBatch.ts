import { Immer } from "immer";
import { applyCommand } from "../core/apply";
import { type Interceptor, type InterceptorContext, intercept } from "../core/interceptor";
import { mapPath } from "../core/path";
import type { Command, CommandError, Doc, MappedPath } from "../protocol";

/**
 * The master's documents are never handed to code that could mutate them, and freezing every new
 * node costs a walk over each touched node per batch; so the master skips Immer's auto-freeze (the
 * client proxy keeps it, since its documents go to views).
 */
const immer = new Immer({ autoFreeze: false });

export interface BatchResult {
  document: Doc;
  version: number;
  completions: Command[];
  mappedPaths: MappedPath[];
  errors: CommandError[];
}

export interface BatchOptions<C extends InterceptorContext> {
  interceptor?: Interceptor<C>;
  context: C;
  newId?: () => string;
  /** H1: the action of commands that name none (the master gives each batch one). */
  actionId?: string;
}

/**
 * M1-M5: applies a batch of commands, in order, to `document` at `version`. Each applied command
 * gets the next version; a failing command is reported and skipped (it changes nothing). Created
 * ids that are taken are renamed, and later commands of the batch follow the rename.
 *
 * Pure: returns a new document (Immer, sharing every untouched subtree); cost follows the commands,
 * not the document's size.
 */
export function applyBatch<C extends InterceptorContext>(
  document: Doc,
  version: number,
  commands: readonly Command[],
  options: BatchOptions<C>,
): BatchResult {
  const completions: Command[] = [];
  const mappedPaths: MappedPath[] = [];
  const errors: CommandError[] = [];
  const next = immer.produce(document, (draft) => {
    commands.forEach((original, index) => {
      const path = mapPath(original.path, mappedPaths);
      const command = path === original.path ? original : { ...original, path };
      const decided = intercept(options.interceptor, draft, command, options.context);
      if ("reject" in decided) {
        errors.push({
          index,
          action: original.action,
          path: original.path,
          message: decided.reject,
        });
        return;
      }
      const outcome = applyCommand(draft, decided.command, {
        onCollision: "rename",
        newId: options.newId,
      });
      if (!outcome.ok) {
        errors.push({
          index,
          action: original.action,
          path: original.path,
          message: outcome.message,
        });
        return;
      }
      if (options.actionId !== undefined && outcome.completion.actionId === undefined) {
        outcome.completion.actionId = options.actionId; // a fresh object: no copy needed
      }
      completions.push(outcome.completion);
      const finalId = outcome.completion.createdId;
      if (
        original.action === "create" &&
        original.createdId !== undefined &&
        finalId !== undefined
      ) {
        const from = [...original.path, original.createdId];
        const to = [...path, finalId];
        // Record only real renames; a path that moved with its parent is covered by the parent's.
        if (outcome.mapped) mappedPaths.push({ from, to });
      }
    });
  });
  return {
    document: next,
    version: version + completions.length,
    completions,
    mappedPaths,
    errors,
  };
}
