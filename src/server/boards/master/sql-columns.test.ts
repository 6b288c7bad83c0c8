import { describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { ColumnRows, ColumnSet, columnSets, StatementTemplate } from "./sql-columns";

const columns = { boardId: "text", version: "int", document: "jsonb" } as const;
type Rows = { checkpoint: ColumnRows<typeof columns> };
const checkpoints = new ColumnSet(columns, (rows: Rows) => rows.checkpoint);

function rowsOf(...versions: number[]): Rows {
  const checkpoint = new ColumnRows(columns);
  for (const version of versions) checkpoint.push({ boardId: "b", version, document: "{}" });
  return { checkpoint };
}

describe("StatementTemplate", () => {
  const one = checkpoints.table("k", { shared: ["boardId"] });
  const template = new StatementTemplate<Rows>(
    Prisma.sql`INSERT INTO board_checkpoint ${checkpoints.list()} SELECT ${one.select} FROM ${one.from}`,
  );

  it("keeps one text and reads each execution's values from its rows, in the text's order", () => {
    const a = template.fill(rowsOf(10));
    const b = template.fill(rowsOf(20, 30));
    expect(b.text).toBe(a.text);
    expect(a.text).toBe(
      'INSERT INTO board_checkpoint ("boardId", "version", "document") SELECT $1::text, k."version", k."document"::jsonb FROM unnest($2::int[], $3::text[]) AS k("version", "document")',
    );
    expect(a.values).toEqual(["b", [10], ["{}"]]);
    expect(b.values).toEqual(["b", [20, 30], ["{}", "{}"]]);
    expect(template.fill(rowsOf()).values).toEqual([null, [], []]);
  });

  it("refuses a statement with a value not read from the rows", () => {
    expect(() => new StatementTemplate(Prisma.sql`SELECT ${1}::int`)).toThrow(
      "A template's values are read from its rows",
    );
  });
});

describe("columnSets", () => {
  it("gives each table a ColumnSet that reads that table's rows by its name", () => {
    const tables = { board: { id: "text" }, checkpoint: columns } as const;
    const sets = columnSets<typeof tables, Rows & { board: ColumnRows<typeof tables.board> }>(
      tables,
    );
    const rows = { ...rowsOf(7), board: new ColumnRows(tables.board) };
    rows.board.push({ id: "b1" });
    const template = new StatementTemplate<typeof rows>(
      Prisma.sql`SELECT ${sets.board.column("id")}::text[], ${sets.checkpoint.column("version")}::int[]`,
    );
    expect(template.fill(rows).values).toEqual([["b1"], [7]]);
  });
});
