import { applyCommand, cloneJson } from "../core/apply";
import { newId } from "../core/ids";
import { diffDocuments } from "../history/diff";
import {
  type ActionRecord,
  earliestToggled,
  type LoggedCommand,
  planToggle,
} from "../history/rebuild";
import { applyBatch } from "../master/applyBatch";
import type { Command, Doc } from "../protocol";

/**
 * A board's history in memory, for tests of the H rules: the same rebuild the server runs, over a
 * log kept in arrays, with checkpoints every `checkpointEvery` versions.
 */
export class HistoryLog {
  document: Doc;
  readonly log: LoggedCommand[] = [];
  readonly actions = new Map<string, ActionRecord>();
  private readonly checkpoints = new Map<number, Doc>();

  constructor(
    initial: Doc,
    private readonly checkpointEvery = 4,
  ) {
    this.document = initial;
    this.checkpoints.set(0, cloneJson(initial));
  }

  get version(): number {
    return this.log.length;
  }

  /** An edit action; returns its id. Commands that do not apply are left out, like the master. */
  edit(commands: Command[], actionId = newId()): string {
    this.append(actionId, "edit", commands);
    return actionId;
  }

  undo(actionId: string): ActionRecord {
    return this.toggle(actionId, false);
  }

  redo(actionId: string): ActionRecord {
    return this.toggle(actionId, true);
  }

  restore(version: number): ActionRecord {
    return this.append(newId(), "restore", diffDocuments(this.document, this.stateAt(version)));
  }

  /** The document at `version`: the checkpoint before it plus the commands after that. */
  stateAt(version: number): Doc {
    const base = Math.floor(version / this.checkpointEvery) * this.checkpointEvery;
    const document = cloneJson(this.checkpoints.get(base) as Doc);
    for (const { command } of this.log.slice(base, version)) {
      if (!applyCommand(document, command, { onCollision: "fail" }).ok)
        throw new Error(`log does not replay at ${version}`);
    }
    return document;
  }

  /** The document at `version` replayed from the very first command, ignoring checkpoints. */
  replayFromStart(version: number): Doc {
    const document = cloneJson(this.checkpoints.get(0) as Doc);
    for (const { command } of this.log.slice(0, version)) {
      applyCommand(document, command, { onCollision: "fail" });
    }
    return document;
  }

  private toggle(actionId: string, present: boolean): ActionRecord {
    const target = this.actions.get(actionId);
    if (!target) throw new Error(`no action ${actionId}`);
    const checkpointAt = (version: number) =>
      Math.floor(version / this.checkpointEvery) * this.checkpointEvery;
    let baseVersion = checkpointAt(target.fromVersion);
    for (;;) {
      const earlier = earliestToggled(this.actions, baseVersion, 0);
      if (earlier === null) break;
      baseVersion = checkpointAt(earlier);
    }
    const commands = planToggle(this.document, {
      base: this.checkpoints.get(baseVersion) as Doc,
      baseVersion,
      log: this.log.slice(baseVersion),
      actions: this.actions,
      toggle: { actionId, present },
    });
    const entry = this.append(newId(), present ? "redo" : "undo", commands, actionId);
    target.undone = !present;
    return entry;
  }

  private append(
    actionId: string,
    kind: ActionRecord["kind"],
    commands: Command[],
    targetActionId?: string,
  ): ActionRecord {
    const fromVersion = this.version;
    const result = applyBatch(this.document, fromVersion, commands, { context: {} });
    for (const command of result.completions) {
      this.log.push({ version: this.log.length + 1, actionId, command });
      if (this.log.length % this.checkpointEvery === 0) {
        this.checkpoints.set(this.log.length, cloneJson(this.replayFromStart(this.log.length)));
      }
    }
    this.document = result.document;
    const record: ActionRecord = {
      actionId,
      kind,
      fromVersion,
      toVersion: this.version,
      targetActionId,
      undone: false,
    };
    this.actions.set(actionId, record);
    return record;
  }
}
