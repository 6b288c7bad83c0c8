import { describe, expect, it, vi } from "vitest";
import { type Undoable, UndoRedo, type UndoTransport } from "./UndoRedo";

class NoAnswer extends Error {}

/** A server whose undo stacks the test sets, and whose answers it can lose or delay. */
class FakeServer implements UndoTransport {
  stacks: Undoable = { undo: true, redo: false };
  /** Entry ids of the undos and redos that reached it, in order (one per entry id applied). */
  readonly applied: string[] = [];
  readonly asked: number[] = [];
  loseAnswers = 0;
  refuse: string | null = null;
  private answers: (() => void)[] = [];
  holdCanUndo = false;

  canUndo(): Promise<Undoable> {
    this.asked.push(Date.now());
    const stacks = { ...this.stacks };
    if (!this.holdCanUndo) return Promise.resolve(stacks);
    return new Promise((resolve) => this.answers.push(() => resolve(stacks)));
  }

  releaseCanUndo() {
    for (const answer of this.answers.splice(0)) answer();
  }

  undo(entryId: string) {
    return this.toggle(entryId, { undo: false, redo: true });
  }

  redo(entryId: string) {
    return this.toggle(entryId, { undo: true, redo: false });
  }

  private async toggle(entryId: string, after: Undoable) {
    if (this.refuse) throw new Error(this.refuse);
    // H12: a repeated entry id is answered as the first time, never applied twice.
    if (!this.applied.includes(entryId)) this.applied.push(entryId);
    this.stacks = after;
    if (this.loseAnswers-- > 0) throw new NoAnswer("answer lost");
    return { canUndo: { ...after } };
  }
}

function undoRedo(server: FakeServer, settle = () => Promise.resolve()) {
  const alerts: string[] = [];
  const history = new UndoRedo({
    transport: server,
    isOffline: (error) => error instanceof NoAnswer,
    settle,
    alert: (message) => alerts.push(message),
    onChange: () => {},
    retryDelayMs: 1,
    quietMs: 20,
  });
  return { history, alerts };
}

describe("UndoRedo", () => {
  it("asks nothing until enabled (viewers never ask)", async () => {
    const server = new FakeServer();
    const { history } = undoRedo(server);
    history.refresh();
    history.ownEditSaved();
    await history.undo();
    expect(server.asked).toHaveLength(0);
    expect(server.applied).toHaveLength(0);
    expect(history.state).toEqual({ undo: false, redo: false, busy: false });
  });

  it("an undo whose answer is lost is sent again with the same entry id: one action undone", async () => {
    const server = new FakeServer();
    const { history, alerts } = undoRedo(server);
    history.enable(true);
    server.loseAnswers = 2;
    await history.undo();
    expect(server.applied).toHaveLength(1);
    expect(history.state).toEqual({ undo: false, redo: true, busy: false });
    expect(alerts).toEqual([]);
  });

  it("a refusal is shown, and what can be undone is asked again", async () => {
    const server = new FakeServer();
    const { history, alerts } = undoRedo(server);
    history.enable(true);
    await vi.waitFor(() => expect(history.state.undo).toBe(true));
    server.refuse = "Nothing to undo";
    server.stacks = { undo: false, redo: false };
    await history.undo();
    expect(alerts).toEqual(["Nothing to undo"]);
    await vi.waitFor(() =>
      expect(history.state).toEqual({ undo: false, redo: false, busy: false }),
    );
  });

  it("an undo waits for the unsent edits; if they are not saved it is not sent", async () => {
    const server = new FakeServer();
    const { history, alerts } = undoRedo(server, () =>
      Promise.reject(new Error("Your latest changes are not saved yet")),
    );
    history.enable(true);
    await history.undo();
    expect(server.applied).toHaveLength(0);
    expect(alerts).toEqual(["Your latest changes are not saved yet"]);
    expect(history.state.busy).toBe(false);
  });

  it("questions are coalesced, and an answer older than a known change is not applied", async () => {
    const server = new FakeServer();
    const { history } = undoRedo(server);
    server.holdCanUndo = true;
    server.stacks = { undo: false, redo: true };
    history.enable(true); // first question, held
    history.refresh();
    history.refresh(); // both wait for the first answer: one more question, not two
    expect(server.asked).toHaveLength(1);
    history.ownEditSaved(); // known now: something to undo, nothing to redo
    server.releaseCanUndo(); // the old answer ({ undo: false, redo: true }) arrives late
    await vi.waitFor(() => expect(server.asked).toHaveLength(2));
    expect(history.state).toMatchObject({ undo: true, redo: false });
    server.stacks = { undo: true, redo: false };
    server.releaseCanUndo();
    await vi.waitFor(() => expect(history.state).toMatchObject({ undo: true, redo: false }));
    expect(server.asked).toHaveLength(2);
  });

  it("others' edits in a burst make one question, once they pause", async () => {
    const server = new FakeServer();
    const { history } = undoRedo(server);
    history.enable(true);
    await vi.waitFor(() => expect(server.asked).toHaveLength(1));
    for (let i = 0; i < 20; i++) history.othersChanged();
    expect(server.asked).toHaveLength(1); // nothing asked while they keep coming
    await vi.waitFor(() => expect(server.asked).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.asked).toHaveLength(2);
  });
});
