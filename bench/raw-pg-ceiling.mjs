// Raw PostgreSQL ceiling for the hot-board workload: W writers, each committing transactions of
// N command rows (insert into a table shaped like a command log, keyed (board, version)) under a
// row lock on the board row, as a group commit would. Prints commands/s.
// Usage: node bench/raw-pg-ceiling.mjs URL [cmdsPerTx=50] [writers=1] [seconds=5]
// Run from the project root (pg is resolved from its node_modules; PG_FROM=<a package.json> overrides).
import { createRequire } from "node:module";

const require = createRequire(process.env.PG_FROM ?? `${process.cwd()}/package.json`);
const pg = require("pg");
const [url, n = "50", w = "1", s = "5"] = process.argv.slice(2);
const N = Number(n),
  W = Number(w),
  S = Number(s);
const pool = new pg.Pool({ connectionString: url, max: W + 1 });
await pool.query(`drop table if exists raw_cmd; drop table if exists raw_board;
  create table raw_board(id text primary key, version int not null);
  create table raw_cmd(board text, version int, action text, path jsonb, props jsonb, user_id text, primary key(board, version));
  insert into raw_board values ('b', 0);`);
let done = 0;
const end = Date.now() + S * 1000;
await Promise.all(
  Array.from({ length: W }, async () => {
    const c = await pool.connect();
    try {
      while (Date.now() < end) {
        await c.query("begin");
        const { rows } = await c.query("select version from raw_board where id = $1 for update", [
          "b",
        ]);
        const v = rows[0].version;
        const versions = Array.from({ length: N }, (_, i) => v + 1 + i);
        await c.query(
          `insert into raw_cmd select 'b', x, 'update', '["lists","l","items","i1"]'::jsonb, '{"done":true,"text":"edit"}'::jsonb, 'u' from unnest($1::int[]) x`,
          [versions],
        );
        await c.query("update raw_board set version = $1 where id = $2", [v + N, "b"]);
        await c.query(`select pg_notify('raw', $1)`, [String(v + N)]);
        await c.query("commit");
        done += N;
      }
    } finally {
      c.release();
    }
  }),
);
console.log(`raw ceiling: ${N} commands/tx, ${W} writer(s): ${Math.round(done / S)} commands/s`);
await pool.end();
