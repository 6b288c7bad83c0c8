import { PostgresBoardEvents } from "../src/server/boards/live/BoardEvents";
import type { Database } from "../src/server/db";
import { openDatabase } from "../src/server/db/database";
import { applyMigrations } from "../src/server/db/migrate";
import { createServices, type Services, type ServicesOptions } from "../src/server/services";
import { createPostgresDatabase } from "./databases";

/** Server instances as separate processes would have them, in one test process. */
export interface Instances {
  /** Each instance's services, its own database pool and its own LISTEN connection. */
  services: Services[];
  events: PostgresBoardEvents[];
  databases: Database[];
  close(): Promise<void>;
}

/**
 * `count` instances on one new PostgreSQL database (in the cluster at `adminUrl`): each with its
 * own pool and LISTEN connection, hearing the others only through the database.
 */
export async function instancesOnPostgres(
  adminUrl: string,
  count: number,
  options: {
    services?: Omit<ServicesOptions, "events">;
    retry?: { baseMs: number; maxMs: number };
  } = {},
): Promise<Instances> {
  const url = await createPostgresDatabase(adminUrl);
  const instances: Instances = {
    services: [],
    events: [],
    databases: [],
    async close() {
      for (const services of instances.services) await services.close();
      for (const events of instances.events) await events.close();
      for (const database of instances.databases) await database.close();
    },
  };
  for (let i = 0; i < count; i++) {
    const db = await openDatabase({ kind: "postgresql", url, poolSize: 4 });
    if (i === 0) await applyMigrations(db.adapterFactory);
    const events = new PostgresBoardEvents(url, options.retry);
    await events.listening();
    instances.databases.push(db);
    instances.events.push(events);
    instances.services.push(createServices(db, { ...options.services, events }));
  }
  return instances;
}
