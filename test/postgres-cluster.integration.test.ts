import { describe, expect, inject, it } from "vitest";
import { findPostgresBin } from "./postgres-cluster";

// Guards the harness itself: on a machine with PostgreSQL installed, the PostgreSQL suites must
// really run, never quietly skip.
describe("integration harness", () => {
  it("provides a PostgreSQL whenever its server binaries are installed", () => {
    if (findPostgresBin() || process.env.TEST_DATABASE_URL) {
      expect(inject("postgresUrl")).toMatch(/^postgres(ql)?:\/\//);
    } else {
      expect(inject("postgresSkipReason")).toMatch(/no PostgreSQL server binaries/);
    }
  });
});
