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

/** What a column of each type holds in JavaScript before it is sent. */
type ValueOf<T extends SqlType> = T extends "int"
  ? number
  : T extends "boolean"
    ? boolean
    : string | null;

/** One row of a column set: a value for each column. */
export type RowOf<C extends Record<string, SqlType>> = { [K in keyof C]: ValueOf<C[K]> };

/**
 * The rows of one table to insert in one statement, kept as one array per column: a multi-row
 * INSERT from `unnest` (one parameter per column whatever the number of rows, so one plan).
 * The table's columns are named once, where the set is declared.
 */
export class ColumnRows<C extends Record<string, SqlType>> {
  private readonly values: { [K in keyof C]: ValueOf<C[K]>[] };
  private readonly names: (keyof C & string)[];

  constructor(readonly columns: C) {
    this.names = Object.keys(columns) as (keyof C & string)[];
    this.values = Object.fromEntries(this.names.map((name) => [name, []])) as unknown as {
      [K in keyof C]: ValueOf<C[K]>[];
    };
  }

  push(row: RowOf<C>): void {
    for (const name of this.names) this.values[name].push(row[name]);
  }

  /** The values of one column, in row order. */
  column<K extends keyof C>(name: K): readonly ValueOf<C[K]>[] {
    return this.values[name];
  }

  /** `("a", "b", ...)`: the column list of an INSERT. */
  list(): Prisma.Sql {
    return Prisma.raw(`(${this.names.map((name) => `"${name}"`).join(", ")})`);
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
      return Prisma.sql`${this.values[name][0] ?? null}::${Prisma.raw(scalar)}`;
    };
    const unnested = (only ?? this.names).filter((name) => !isShared(name));
    const arrays = unnested.map(
      (name) => Prisma.sql`${this.values[name]}::${Prisma.raw(type(name).array)}`,
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
