import { newId } from "@/sync";
import { backoff } from "./backoff";

/** Whether the person has an action to undo and one to redo on the board. */
export interface Undoable {
  undo: boolean;
  redo: boolean;
}

/** How undo and redo reach the server (SPEC H8/H9); the app passes tRPC calls, tests a fake. */
export interface UndoTransport {
  canUndo(): Promise<Undoable>;
  /** Each answer says what can be undone and redone after it. */
  undo(entryId: string): Promise<{ canUndo: Undoable }>;
  redo(entryId: string): Promise<{ canUndo: Undoable }>;
}

export interface UndoRedoState extends Undoable {
  /** An undo or redo is on its way. */
  busy: boolean;
}

export interface UndoRedoOptions {
  transport: UndoTransport;
  /** Whether a failure got no answer at all (the outcome is unknown: send it again). */
  isOffline(error: unknown): boolean;
  /** Resolves once every edit made so far is saved (an undo must see the latest action). */
  settle(): Promise<void>;
  alert(message: string): void;
  onChange(): void;
  /** First delay before sending again a request that got no answer (backoff with jitter). */
  retryDelayMs?: number;
  /** How long others' changes must pause before the server is asked again (default 300 ms). */
  quietMs?: number;
}

/** Attempts of an undo or redo whose outcome is unknown before its error is shown. */
const ATTEMPTS = 4;

/**
 * A person's undo and redo on one board, part of their BoardSession. What can be undone follows
 * what happens, never a timer: their own saved edit (something to undo, nothing to redo), the
 * answer of each undo and redo, and a fresh question to the server once others' changes pause
 * (someone may have undone one of their actions): one question per burst of others' edits, not one
 * per edit, and at most one in flight.
 */
export class UndoRedo {
  state: UndoRedoState = { undo: false, redo: false, busy: false };
  private enabled = false;
  private asking = false;
  private askAgain = false;
  private quiet: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every known change, so an older answer to `canUndo` is not applied over it. */
  private generation = 0;

  constructor(private readonly options: UndoRedoOptions) {}

  /** Starts (or stops) following what can be undone: only editors ask. */
  enable(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    if (enabled) this.refresh();
    else this.set({ undo: false, redo: false, busy: false });
  }

  /** The person's own edit was saved: it can be undone, and nothing redone any more. */
  ownEditSaved(): void {
    if (!this.enabled) return;
    this.generation += 1;
    this.set({ undo: true, redo: false });
  }

  /** Others changed the board: ask again once their changes pause. */
  othersChanged(): void {
    if (!this.enabled) return;
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = setTimeout(() => {
      this.quiet = null;
      this.refresh();
    }, this.options.quietMs ?? 300);
  }

  /** Stops asking (the page closed). */
  stop(): void {
    if (this.quiet) clearTimeout(this.quiet);
    this.enabled = false;
  }

  /** Asks the server what can be undone now (one question at a time; one more if asked meanwhile). */
  refresh(): void {
    if (!this.enabled) return;
    if (this.asking) {
      this.askAgain = true;
      return;
    }
    this.asking = true;
    const generation = this.generation;
    this.options.transport.canUndo().then(
      (undoable) => {
        if (generation === this.generation) this.set(undoable);
        this.asked();
      },
      () => this.asked(), // kept as it was; the next change asks again
    );
  }

  /** Undoes the person's latest action, once their unsent edits are saved. */
  async undo(): Promise<void> {
    if (!this.enabled || this.state.busy) return;
    this.set({ busy: true });
    try {
      await this.options.settle();
    } catch (error) {
      this.set({ busy: false });
      this.options.alert((error as Error).message);
      return;
    }
    await this.send((entryId) => this.options.transport.undo(entryId));
  }

  /** Redoes the person's latest undone action. */
  async redo(): Promise<void> {
    if (!this.enabled || this.state.busy || !this.state.redo) return;
    this.set({ busy: true });
    await this.send((entryId) => this.options.transport.redo(entryId));
  }

  /**
   * Sends one undo or redo under one entry id, again with the same id while no answer comes (the
   * server answers a repeated id with its first answer, H12: pressing Undo once never undoes two
   * actions); a refusal is final and shown.
   */
  private async send(request: (entryId: string) => Promise<{ canUndo: Undoable }>) {
    const entryId = newId();
    for (let attempt = 0; ; attempt++) {
      try {
        const { canUndo } = await request(entryId);
        this.generation += 1;
        this.set({ ...canUndo, busy: false });
        return;
      } catch (error) {
        if (!this.options.isOffline(error) || attempt >= ATTEMPTS - 1) {
          this.set({ busy: false });
          this.options.alert((error as Error).message);
          this.refresh();
          return;
        }
        const delay = backoff(attempt, this.options.retryDelayMs ?? 600, 5_000);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private asked() {
    this.asking = false;
    if (this.askAgain) {
      this.askAgain = false;
      this.refresh();
    }
  }

  private set(change: Partial<UndoRedoState>) {
    this.state = { ...this.state, ...change };
    this.options.onChange();
  }
}
