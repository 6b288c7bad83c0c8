import { expect, it, vi } from "vitest";
import { describeEachDatabase } from "../../../../test/databases";
import { LocalBoardEvents } from "../live/BoardEvents";
import { MemberRoles } from "./MemberRoles";

describeEachDatabase("member roles cache", (db) => {
  it("keeps the boards used most recently: a board read again outlives one read once", async () => {
    const events = new LocalBoardEvents();
    const roles = new MemberRoles(db().prisma, events, 2);
    const reads = vi.spyOn(db().prisma.boardMember, "findUnique");
    try {
      await roles.of("b1", "u");
      await roles.of("b2", "u");
      await roles.of("b1", "u"); // from the cache, and b1 is now the most recently used
      expect(reads).toHaveBeenCalledTimes(2);
      await roles.of("b3", "u"); // evicts b2, the least recently used (b1 was inserted first)
      await roles.of("b1", "u");
      expect(reads).toHaveBeenCalledTimes(3);
      await roles.of("b2", "u");
      expect(reads).toHaveBeenCalledTimes(4);
    } finally {
      reads.mockRestore();
      roles.close();
      await events.close();
    }
  });
});
