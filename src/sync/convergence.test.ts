import { describe, expect, it } from "vitest";
import { ClientProxy } from "./client/ClientProxy";
import { replayCompletions } from "./client/replay";
import { Master } from "./master/Master";
import type { Command, Doc, FlushResponse, RemoteChanges } from "./protocol";
import { type Random, seededRandom } from "./testing/random";

/**
 * A deterministic network: the test decides, from a seed, which client edits, when flushes reach
 * the master, whether answers arrive or are lost, and when pushed changes are delivered.
 */
interface SimClient {
  proxy: ClientProxy;
  subscribed: boolean;
  inbox: RemoteChanges[];
  answer: { response: FlushResponse; lost: boolean } | null;
  needsResync: boolean;
  /** Commands applied locally; each must end up applied, rejected or dropped (never lost). */
  made: number;
  /** Commands the master answered for (applied or rejected) plus those dropped in rebases. */
  accounted: number;
}

const keysOf = (node: unknown): string[] =>
  node && typeof node === "object" ? Object.keys(node as object) : [];

/** A random command against what this client currently sees (sometimes stale, sometimes clashing). */
function randomCommand(rng: Random, doc: Doc): Command {
  const lists = doc.lists as Doc;
  const listIds = keysOf(lists);
  const list = rng.pick(listIds);
  const items = list ? keysOf((lists[list] as Doc).items) : [];
  const item = rng.pick(items);
  const roll = rng.int(10);
  const sharedId = `shared${rng.int(3)}`; // ids several clients propose: collisions on purpose
  if (roll === 0 || !list) {
    return {
      action: "create",
      path: ["lists"],
      createdId: rng.chance(0.3) ? sharedId : undefined,
      props: { title: `L${rng.int(100)}` },
    };
  }
  if (roll <= 3) {
    return {
      action: "create",
      path: ["lists", list, "items"],
      parentDefault: {},
      createdId: rng.chance(0.3) ? sharedId : undefined,
      props: { text: `t${rng.int(100)}`, done: false },
    };
  }
  if (roll <= 5 && item) {
    return {
      action: "update",
      path: ["lists", list, "items", item],
      props: { done: rng.chance(0.5), text: `e${rng.int(100)}` },
    };
  }
  if (roll === 6)
    return { action: "update", path: ["lists", list], props: { title: `R${rng.int(100)}` } };
  if (roll === 7 && item) return { action: "delete", path: ["lists", list, "items", item] };
  if (roll === 8 && rng.chance(0.3)) return { action: "delete", path: ["lists", list] };
  return { action: "update", path: ["lists", list], props: { touched: rng.int(1000) } };
}

function simulate(seed: number) {
  const rng = seededRandom(seed);
  let n = 0;
  const master = new Master({ document: { lists: {} }, newId: () => `m${++n}` });
  const clientCount = 2 + rng.int(7);
  const clients: SimClient[] = Array.from({ length: clientCount }, (_, i) => {
    const client: SimClient = {
      proxy: new ClientProxy({ clientId: `c${i}`, base: master.load() }),
      subscribed: rng.chance(0.6),
      inbox: [],
      answer: null,
      needsResync: false,
      made: 0,
      accounted: 0,
    };
    client.proxy.subscribe((event) => {
      if (event.type === "resync-needed") client.needsResync = true;
      if (event.type === "dropped") client.accounted += event.dropped.length;
    });
    return client;
  });
  master.subscribe((changes) => {
    for (const client of clients) if (client.subscribed) client.inbox.push(changes);
  });

  const deliver = (client: SimClient, response: FlushResponse) => {
    client.accounted += response.applied.completions.length + response.errors.length;
    client.proxy.endFlush(response);
  };

  const resyncIfNeeded = (client: SimClient) => {
    if (client.needsResync) {
      client.needsResync = false;
      client.proxy.reset(master.load());
    }
  };

  for (let step = 0; step < 300; step++) {
    const client = rng.pick(clients) as SimClient;
    const roll = rng.int(20);
    if (roll < 9) {
      const command = randomCommand(rng, client.proxy.document);
      const result = rng.chance(0.2)
        ? client.proxy.transact("Action", (tx) => {
            if (command.action === "create") {
              tx.create(command.path, command.props, { parentDefault: command.parentDefault });
            } else if (command.action === "update") tx.update(command.path, command.props ?? {});
            else tx.delete(command.path);
          })
        : client.proxy.apply(command);
      if (result.ok) client.made += 1;
    } else if (roll < 12) {
      if (!client.answer) {
        const request = client.proxy.beginFlush({ force: rng.chance(0.2) });
        if (request) client.answer = { response: master.flush(request, {}), lost: rng.chance(0.2) };
      }
    } else if (roll < 15) {
      if (client.answer) {
        const { response, lost } = client.answer;
        client.answer = null;
        if (lost) client.proxy.cancelFlush();
        else deliver(client, response);
      }
    } else if (roll < 19) {
      const changes = client.inbox.shift();
      if (changes) client.proxy.receive(changes);
    } else {
      // The subscription drops and reconnects: pushed changes in between are lost.
      client.inbox = [];
      client.subscribed = rng.chance(0.7);
    }
    resyncIfNeeded(client);
  }

  // Quiesce: deliver everything, then flush until every client has nothing pending.
  for (const client of clients) {
    for (let round = 0; round < 10; round++) {
      if (client.answer) {
        const { response } = client.answer;
        client.answer = null;
        deliver(client, response); // no more losses
      }
      for (const changes of client.inbox.splice(0)) client.proxy.receive(changes);
      resyncIfNeeded(client);
      const request = client.proxy.beginFlush({ force: true });
      if (request) client.answer = { response: master.flush(request, {}), lost: false };
    }
  }
  for (const client of clients) {
    if (client.answer) deliver(client, client.answer.response);
    client.answer = null;
    const request = client.proxy.beginFlush({ force: true });
    if (request) deliver(client, master.flush(request, {}));
    resyncIfNeeded(client);
  }
  return { master, clients };
}

describe("convergence (seeded): random edits, interleavings, lost answers, dropped subscriptions", () => {
  const seeds = Array.from({ length: 150 }, (_, i) => i + 1);
  it.each(seeds)(
    "seed %i: every client ends equal to the master, and the master to its replayed history",
    (seed) => {
      const { master, clients } = simulate(seed);
      for (const client of clients) {
        expect(client.proxy.pendingCount).toBe(0);
        expect(client.accounted, "every local command applied, rejected or dropped").toBe(
          client.made,
        );
        expect(client.proxy.version).toBe(master.version);
        expect(client.proxy.document).toEqual(master.document());
      }
      const history = master.commandsBetween(0, master.version);
      expect(history).not.toBeNull();
      expect(replayCompletions({ lists: {} }, history ?? [])).toEqual(master.document());
      expect(master.version).toBeGreaterThan(0);
    },
  );
});
