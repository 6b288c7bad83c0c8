// bench:board's device part: a board of 1,000 cards opened in Chromium against the production
// server, on an empty device (a fresh browser profile each time), again on the same device (its
// copy in IndexedDB, the app shell in the service worker), and reloaded with no network at all.
// DEVICE_TIMING=1 prints each reopen's navigation timing and the page's marks (rewind:open, when
// the board starts opening; rewind:read, the device's copy read; rewind:painted, handed to React).
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { bigBoardCommands, seed } from "./big-board";
import { paintedWhen } from "./big-board-browser";
import { apiClient, healthFloor } from "./clients";
import { median, report } from "./stats";

const OPENS = 7;
const CARDS = 1_000;
/** Cards painted: the list and its first cards (the list is virtualised: only those near view). */
const PAINTED = `document.querySelectorAll(".lists > .list .item").length >= 5`;

/** Navigation start → the cards painted, in ms, for a page already navigating or reloading. */
async function openedIn(page: Page): Promise<number> {
  const painted = await paintedWhen(page, PAINTED);
  const origin = (await page.evaluate("performance.timeOrigin")) as number;
  return painted - origin;
}

/** The versions of the boards this device kept, from the page's IndexedDB. */
function keptVersions(page: Page): Promise<number[]> {
  return page.evaluate(`new Promise((done) => indexedDB.databases().then(([db]) => {
    if (!db) return done([]);
    const open = indexedDB.open(db.name);
    open.onsuccess = () => {
      const all = open.result.transaction("boards").objectStore("boards").getAll();
      all.onsuccess = () => done(all.result.map((board) => board.version));
    };
  }))`) as Promise<number[]>;
}

export async function deviceOpen(browser: Browser, base: string, owner: BrowserContext) {
  const cookies = await owner.cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const { api, close } = apiClient(base, cookie, "websocket");
  const { id: boardId } = await api.board.create.mutate({ title: "Device board" });
  // One list of 1,000 cards like bench:board's big board's (descriptions, labels, due dates).
  const commands = bigBoardCommands([]).filter((command) => {
    const [root, list] = command.path;
    if (command.path.length === 1 && root === "lists") return command.createdId === "list0";
    return root !== "lists" || list === "list0";
  });
  await seed(api, boardId, commands);
  const { version } = await api.sync.load.query({ boardId });
  await close();
  const url = `/boards/${boardId}`;
  console.log(
    `\nA board of ${CARDS.toLocaleString("en-US")} cards opened again (version ${version}); /api/health round trip p50 (the floor) ${(await healthFloor(base)).toFixed(1)} ms`,
  );

  const fresh: number[] = [];
  for (let n = 0; n < OPENS; n++) {
    const context = await browser.newContext({ baseURL: base });
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "commit" });
    fresh.push(await openedIn(page));
    await context.close();
  }

  const device = await browser.newContext({ baseURL: base });
  await device.addCookies(cookies);
  const first = await device.newPage();
  await first.goto(url);
  await paintedWhen(first, PAINTED);
  await first.evaluate("navigator.serviceWorker.ready.then(() => true)");
  await first.reload(); // under the worker's control: the page itself is kept too
  await paintedWhen(first, PAINTED);
  for (let i = 0; i < 100 && !(await keptVersions(first)).includes(version); i++)
    await first.waitForTimeout(100);
  if (!(await keptVersions(first)).includes(version)) throw new Error("the board was not kept");
  // Opened again from another page of the app, in the same tab (a full navigation each time).
  const again: number[] = [];
  for (let n = 0; n < OPENS; n++) {
    await first.goto("/");
    await first.getByRole("button", { name: "Create board" }).waitFor();
    await first.goto(url, { waitUntil: "commit" });
    again.push(await openedIn(first));
    if (process.env.DEVICE_TIMING)
      console.log(
        await first.evaluate(
          `JSON.stringify((() => { const n = performance.getEntriesByType("navigation")[0]; return { responseEnd: Math.round(n.responseEnd), domInteractive: Math.round(n.domInteractive), dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd), marks: performance.getEntriesByType("mark").map((m) => m.name + "@" + Math.round(m.startTime)) }; })())`,
        ),
      );
  }

  await device.setOffline(true);
  const offline: number[] = [];
  for (let n = 0; n < OPENS; n++) {
    await first.reload({ waitUntil: "commit" });
    offline.push(await openedIn(first));
    const status = await first.getByRole("status").textContent();
    if (!status?.startsWith("Offline")) throw new Error(`offline reload shows "${status}"`);
  }
  await device.close();

  report(
    `opened on an empty device: navigation → cards painted (median of ${OPENS})`,
    `${median(fresh).toFixed(0)} ms`,
    "for comparison",
    true,
  );
  report(
    `opened again on the same device: navigation → cards painted (median of ${OPENS})`,
    `${median(again).toFixed(0)} ms`,
    "median < 200 ms",
    median(again) < 200,
  );
  report(
    `reloaded with no network: → cards painted, "Offline" (median of ${OPENS})`,
    `${median(offline).toFixed(0)} ms`,
    "median < 500 ms",
    median(offline) < 500,
  );
}
