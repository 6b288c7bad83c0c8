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

  /** `"a", "b"::jsonb, ...`: the columns read from `from()`, each as its stored type. */
  select(): Prisma.Sql {
    return Prisma.raw(
      this.names
        .map((name) => {
          const cast = TYPES[this.columns[name] as SqlType].cast;
          return cast ? `"${name}"::${cast}` : `"${name}"`;
        })
        .join(", "),
    );
  }

  /** `unnest($1::text[], ...) AS alias("a", "b", ...)`: the rows as a table. */
  from(alias: string, { ordinality = false } = {}): Prisma.Sql {
    const arrays = this.names.map(
      (name) =>
        Prisma.sql`${this.values[name]}::${Prisma.raw(TYPES[this.columns[name] as SqlType].array)}`,
    );
    const names = [...this.names.map((name) => `"${name}"`), ...(ordinality ? ["n"] : [])];
    return Prisma.sql`unnest(${Prisma.join(arrays, ", ")})${Prisma.raw(
      `${ordinality ? " WITH ORDINALITY" : ""} AS ${alias}(${names.join(", ")})`,
    )}`;
  }
}
