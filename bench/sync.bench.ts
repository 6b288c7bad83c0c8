// npm run bench — the sync engine's figures, run against its public entry point (src/sync).
import { ClientProxy, type Command, type Doc, Master, type RemoteChanges } from "../src/sync";
import { median, percentile, report, time } from "./stats";

function boardWithItems(lists: number, itemsPerList: number): Doc {
  const doc: Doc = { title: "Bench", lists: {} };
  for (let l = 0; l < lists; l++) {
    const items: Doc = {};
    for (let i = 0; i < itemsPerList; i++)
      items[`i${l}-${i}`] = { text: `item ${i}`, done: false, order: `a${i}` };
    (doc.lists as Doc)[`l${l}`] = { title: `List ${l}`, order: `a${l}`, items };
  }
  return doc;
}

function localApply() {
  const base = { version: 0, document: boardWithItems(100, 100) };
  const proxy = new ClientProxy({ clientId: "bench", base });
  const samples: number[] = [];
  for (let n = 0; n < 5000; n++) {
    const l = n % 100;
    const i = (n * 7) % 100;
    samples.push(
      time(() => {
        proxy.apply({
          action: "update",
          path: ["lists", `l${l}`, "items", `i${l}-${i}`],
          props: { done: n % 2 === 0 },
        });
      }),
    );
    // Flush now and then, as the app does, so the queue stays realistic.
    if (n % 50 === 49) proxy.beginFlush() && proxy.cancelFlush();
  }
  const warm = samples.slice(500);
  const p99 = percentile(warm, 99);
  report(
    "local apply, 10,000-item document (median / p99)",
    `${median(warm).toFixed(3)} / ${p99.toFixed(3)} ms`,
    "p99 < 1 ms",
    p99 < 1,
  );
}

function rebase() {
  const document = boardWithItems(100, 10);
  const remote: RemoteChanges = { from: 0, completions: [] };
  for (let n = 0; n < 1000; n++) {
    remote.completions.push({
      action: "update",
      path: ["lists", `l${n % 100}`, "items", `i${n % 100}-${n % 10}`],
      props: { text: `remote ${n}` },
    });
  }
  const samples: number[] = [];
  for (let run = 0; run < 30; run++) {
    const proxy = new ClientProxy({ clientId: "bench", base: { version: 0, document } });
    for (let n = 0; n < 100; n++) {
      proxy.apply({
        action: "create",
        path: ["lists", `l${n % 100}`, "items"],
        props: { text: `local ${n}`, done: false },
      });
    }
    samples.push(time(() => proxy.receive(remote)));
    if (proxy.version !== 1000 || proxy.pendingCount !== 100)
      throw new Error("rebase bench went wrong");
  }
  const ms = median(samples.slice(5));
  report(
    "rebase 100 queued commands over 1,000 remote (median)",
    `${ms.toFixed(2)} ms`,
    "< 20 ms",
    ms < 20,
  );
}

function masterThroughput() {
  const rates: number[] = [];
  for (let run = 0; run < 7; run++) {
    const master = new Master({ document: boardWithItems(10, 10) });
    const batches: Command[][] = [];
    for (let b = 0; b < 100; b++) {
      const batch: Command[] = [];
      for (let c = 0; c < 100; c++) {
        const n = b * 100 + c;
        batch.push(
          c % 2 === 0
            ? {
                action: "create",
                path: ["lists", `l${n % 10}`, "items"],
                createdId: `n${n}`,
                props: { text: `t${n}`, done: false },
              }
            : {
                action: "update",
                path: ["lists", `l${(n - 1) % 10}`, "items", `n${n - 1}`],
                props: { done: true },
              },
        );
      }
      batches.push(batch);
    }
    const ms = time(() => {
      batches.forEach((commands, b) => {
        master.flush(
          {
            clientId: `c${b % 4}`,
            batchSeq: Math.floor(b / 4) + 1,
            from: master.version,
            commands,
          },
          {},
        );
      });
    });
    if (master.version !== 10_000) throw new Error(`master applied ${master.version} of 10,000`);
    rates.push(10_000 / (ms / 1000));
  }
  const rate = median(rates.slice(2));
  report(
    "master: 10,000 commands in batches of 100, in memory (median)",
    `${Math.round(rate).toLocaleString("en-US")} commands/s`,
    "> 100,000/s",
    rate > 100_000,
  );
}

console.log(`Sync engine benchmarks (node ${process.version})`);
localApply();
rebase();
masterThroughput();
