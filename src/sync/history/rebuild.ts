import { Immer } from "immer";
import { applyCommand } from "../core/apply";
import type { Command, Doc } from "../protocol";
import { diffDocuments, emptyScope, type Scope, widenScope } from "./diff";

/** H1: what an entry of a board's history is. */
export const ENTRY_KINDS = ["edit", "undo", "redo", "restore"] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One entry of the history as the rebuild needs it. */
export interface ActionRecord {
  actionId: string;
  kind: EntryKind;
  /** The version before the entry's first command. */
  fromVersion: number;
  /** The version after its last command (equal to fromVersion for an entry without commands). */
  toVersion: number;
  /** undo and redo: the action they act on. */
  targetActionId?: string | null;
  /** edit and restore: whether the action is currently undone. */
  undone: boolean;
}

/** A stored command with its version and the entry it belongs to. */
export interface LoggedCommand {
  version: number;
  actionId: string;
  command: Command;
}

export interface RebuildInput {
  /**
   * The document at `baseVersion`: a checkpoint at or before the first version of the target and of
   * every action an undo or redo in the log switches (see `earliestToggled`).
   */
  base: Doc;
  baseVersion: number;
  /** Every command after `baseVersion`, in version order. */
  log: readonly LoggedCommand[];
  /**
   * The entries of the log's commands that matter: every undo and redo, the actions they target,
   * and every undone action. A command of an action missing here is replayed (not undone).
   */
  actions: ReadonlyMap<string, ActionRecord>;
  /** The action to rebuild without (present: false, undo) or with (present: true, redo). */
  toggle: { actionId: string; present: boolean };
}

export interface RebuildResult {
  document: Doc;
  /** Commands of included entries that no longer applied (they depended on what was left out). */
  skipped: number;
  /** Everything the log's commands touched, for a diff against the current document. */
  scope: Scope;
}

const immer = new Immer({ autoFreeze: false });

/**
 * H3: how far back (in versions before the toggled action) a rebuild reaches to replay the actions
 * that later undos and redos switched; older ones are taken as their entries wrote them.
 */
export const MAX_REBUILD_REACH = 20_000;

/**
 * H3: a rebuild from `base` is exact only if every action that an undo or redo after `base`
 * switches also starts at or after `base` (otherwise its effect is baked into the checkpoint).
 * Returns the first version of the oldest such action that starts before `base` (and not before
 * `floor`), so the caller moves the base back to a checkpoint at or before it; null when none.
 */
export function earliestToggled(
  actions: ReadonlyMap<string, ActionRecord>,
  base: number,
  floor: number,
): number | null {
  let earliest: number | null = null;
  for (const record of actions.values()) {
    if (record.kind !== "undo" && record.kind !== "redo") continue;
    if (record.toVersion <= base) continue;
    const target = record.targetActionId ? actions.get(record.targetActionId) : undefined;
    if (!target || target.fromVersion >= base || target.fromVersion < floor) continue;
    if (earliest === null || target.fromVersion < earliest) earliest = target.fromVersion;
  }
  return earliest;
}

/**
 * H3/H4: the document as it would be with `toggle.actionId` present or absent and every other
 * action as it currently is. Replays `log` onto `base`, in order:
 * - an edit or restore whose commands all come after the base is replayed unless it is undone
 *   (the toggled action: as the toggle says);
 * - an undo or redo of such an action is left out: the action's own state says what it did;
 * - everything else (entries that started before the base, and undo/redo of them) is already
 *   part of the base's story and is replayed as written.
 * A replayed command that no longer applies is skipped (H5). `base` is not modified.
 */
export function rebuild(input: RebuildInput): RebuildResult {
  const { actions, baseVersion, toggle } = input;
  const inWindow = (record: ActionRecord | undefined) =>
    record !== undefined && record.fromVersion >= baseVersion;
  const included = (actionId: string): boolean => {
    const record = actions.get(actionId);
    if (!record) return true;
    if (record.kind === "undo" || record.kind === "redo") {
      const target = record.targetActionId ? actions.get(record.targetActionId) : undefined;
      return !inWindow(target);
    }
    if (!inWindow(record)) return true;
    return actionId === toggle.actionId ? toggle.present : !record.undone;
  };

  const scope = emptyScope();
  let skipped = 0;
  const decisions = new Map<string, boolean>();
  const document = immer.produce(input.base, (draft) => {
    for (const { actionId, command } of input.log) {
      widenScope(scope, command);
      let include = decisions.get(actionId);
      if (include === undefined) {
        include = included(actionId);
        decisions.set(actionId, include);
      }
      if (!include) continue;
      if (!applyCommand(draft, command, { onCollision: "fail" }).ok) skipped += 1;
    }
  });
  return { document, skipped, scope };
}

/**
 * H3/H4: the commands that turn `current` (the document at the head of the log) into the rebuilt
 * one. Appended as one undo or redo entry, they reach clients like any other commands.
 */
export function planToggle(current: Doc, input: RebuildInput): Command[] {
  const rebuilt = rebuild(input);
  return diffDocuments(current, rebuilt.document, rebuilt.scope);
}
