import { Prisma } from "@/generated/prisma/client";

/** How a column travels: as an array parameter of `array` type, stored as `cast` (if different). */
const TYPES = {
  text: { array: "text[]", cast: null },
  int: { array: "int[]", cast: null },
  boolean: { array: "boolean[]", cast: null },
  jsonb: { array: "text[]", cast: "jsonb" },
  timestamp: { array: "text[]", cast: "timestamp(3)" },
} as const;

export type SqlType = keyof typeof TYPES;

type Columns = Record<string, SqlType>;

/** What a column of each type holds in JavaScript before it is sent. */
type ValueOf<T extends SqlType> = T extends "int"
  ? number
  : T extends "boolean"
    ? boolean
    : string | null;

/** One row of a column set: a value for each column. */
export type RowOf<C extends Columns> = { [K in keyof C]: ValueOf<C[K]> };

/**
 * The rows of one table to insert in one statement, kept as one array per column: a multi-row
 * INSERT from `unnest` (one parameter per column whatever the number of rows, so one plan).
 */
export class ColumnRows<C extends Columns> {
  private readonly values: { [K in keyof C]: ValueOf<C[K]>[] };

  constructor(columns: C) {
    const values: Record<string, unknown[]> = {};
    for (const name in columns) values[name] = [];
    this.values = values as { [K in keyof C]: ValueOf<C[K]>[] };
  }

  push(row: RowOf<C>): void {
    for (const name in this.values) this.values[name].push(row[name]);
  }

  /** The values of one column, in row order. */
  column<K extends keyof C>(name: K): readonly ValueOf<C[K]>[] {
    return this.values[name];
  }
}

/**
 * A value of a statement built once (StatementTemplate): where each execution reads it from its
 * rows `R`.
 */
class Slot<R> {
  constructor(readonly read: (rows: R) => unknown) {}
}

/**
 * One table's columns, for statements over rows `R` (e.g. a write's rows, each table a
 * ColumnRows of them): the SQL reads the table's values from `R` through slots, so a statement is
 * built once and filled for each execution. The table's columns are named once, here.
 */
export class ColumnSet<C extends Columns, R> {
  private readonly names: (keyof C & string)[];

  constructor(
    readonly columns: C,
    private readonly rowsOf: (rows: R) => ColumnRows<C>,
  ) {
    this.names = Object.keys(columns) as (keyof C & string)[];
  }

  /** `("a", "b", ...)`: the column list of an INSERT. */
  list(): Prisma.Sql {
    return Prisma.raw(`(${this.names.map((name) => `"${name}"`).join(", ")})`);
  }

  /** One column's values, as an array parameter. */
  column<K extends keyof C & string>(name: K): Slot<R> {
    return new Slot((rows: R) => this.rowsOf(rows).column(name));
  }

  /**
   * The rows as a table named `alias`, for a statement: `from`, the `unnest(...)` of their
   * columns (`only` these, when given); `ref(column)`, a column of the current row; `select`, every
   * column in order, each as its stored type. A `shared` column, the same in every row (the board
   * when a statement writes one), is sent once as a scalar parameter instead of as an array.
   */
  table(
    alias: string,
    {
      shared = [],
      only,
      ordinality = false,
    }: { shared?: (keyof C & string)[]; only?: (keyof C & string)[]; ordinality?: boolean } = {},
  ) {
    const isShared = (name: keyof C & string) => shared.includes(name);
    const type = (name: keyof C & string) => TYPES[this.columns[name] as SqlType];
    const ref = (name: keyof C & string): Prisma.Sql => {
      if (!isShared(name)) return Prisma.raw(`${alias}."${name}"`);
      const scalar = type(name).array.replace("[]", "");
      const first = new Slot((rows: R) => this.rowsOf(rows).column(name)[0] ?? null);
      return Prisma.sql`${first}::${Prisma.raw(scalar)}`;
    };
    const unnested = (only ?? this.names).filter((name) => !isShared(name));
    const arrays = unnested.map(
      (name) => Prisma.sql`${this.column(name)}::${Prisma.raw(type(name).array)}`,
    );
    const columns = [...unnested.map((name) => `"${name}"`), ...(ordinality ? ["n"] : [])];
    // Every column shared (one board's row): there is no table to read, only its scalars.
    const from =
      arrays.length === 0
        ? Prisma.empty
        : Prisma.sql`unnest(${Prisma.join(arrays, ", ")})${Prisma.raw(
            `${ordinality ? " WITH ORDINALITY" : ""} AS ${alias}(${columns.join(", ")})`,
          )}`;
    const select = Prisma.join(
      this.names.map((name) => {
        const cast = type(name).cast;
        return cast ? Prisma.sql`${ref(name)}::${Prisma.raw(cast)}` : ref(name);
      }),
      ", ",
    );
    return { from, ref, select };
  }
}

/**
 * The ColumnSet of each table of `tables`, for rows `R` that hold each table's ColumnRows under
 * the same name.
 */
export function columnSets<
  T extends Record<string, Columns>,
  R extends { [K in keyof T]: ColumnRows<T[K]> },
>(tables: T): { [K in keyof T]: ColumnSet<T[K], R> } {
  const sets: Record<string, ColumnSet<Columns, R>> = {};
  for (const name in tables) {
    sets[name] = new ColumnSet(
      tables[name] as Columns,
      (rows: R) => rows[name] as ColumnRows<Columns>,
    );
  }
  return sets as unknown as { [K in keyof T]: ColumnSet<T[K], R> };
}

/**
 * A statement built once from ColumnSets, whose values are read from each execution's rows: its
 * text is the same for every execution (one plan), and only the values are gathered again.
 */
export class StatementTemplate<R> {
  private readonly strings: readonly string[];
  private readonly slots: Slot<R>[];

  constructor(statement: Prisma.Sql) {
    this.strings = statement.strings;
    this.slots = statement.values.map((value) => {
      if (!(value instanceof Slot)) throw new Error("A template's values are read from its rows");
      return value as Slot<R>;
    });
  }

  /** The statement with `rows`' values. */
  fill(rows: R): Prisma.Sql {
    return new Prisma.Sql(
      this.strings,
      this.slots.map((slot) => slot.read(rows) as Prisma.Sql["values"][number]),
    );
  }
}
