import { expect, type Page } from "@playwright/test";
import { addItem, test, twoOnOneList } from "./board-fixtures";

const texts = (page: Page, list: string) =>
  page.getByRole("region", { name: list }).locator(".item-text").allTextContents();

/** The page is controlled by the service worker, and a later load of it is answered offline. */
async function serviceWorkerReady(page: Page) {
  await page.evaluate("navigator.serviceWorker.ready.then(() => true)");
  // The worker saw no navigation before it took the page: load it once under its control, so
  // the page itself is kept, as any second visit would be.
  await page.reload();
  await expect.poll(() => page.evaluate("Boolean(navigator.serviceWorker.controller)")).toBe(true);
  await expect(page.getByRole("status")).toHaveText("Saved");
}

/**
 * Runs `body(db)` on the page's one IndexedDB database (this person's) and returns its result;
 * `none` when the device has no database yet.
 */
function inDevice(page: Page, body: string, none: unknown = null): Promise<unknown> {
  return page.evaluate(`new Promise((done, fail) => indexedDB.databases().then(([info]) => {
    if (!info) return done(${JSON.stringify(none)});
    const open = indexedDB.open(info.name);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => { const db = open.result; Promise.resolve((${body})(db)).then(done, fail); };
  }))`);
}

/** The item texts of the board this device kept (one board). */
const keptItems = (page: Page) =>
  inDevice(
    page,
    `(db) => new Promise((ok) => {
      const all = db.transaction("boards").objectStore("boards").getAll();
      all.onsuccess = () => ok(all.result.flatMap((board) => Object.values(board.document.lists)
        .flatMap((list) => Object.values(list.items ?? {}).map((item) => item.text))));
    })`,
    [],
  ) as Promise<string[]>;

/** The IndexedDB databases this page's origin holds. */
const databases = (page: Page) =>
  page.evaluate("indexedDB.databases().then((all) => all.map((d) => d.name))") as Promise<string[]>;

test("with no network, a board opened before opens again from the device, Offline; its edits reach the other person once", async ({
  browser,
  baseURL,
}) => {
  const { a, b } = await twoOnOneList(browser, baseURL, {
    owner: "Ada",
    editor: "Bob",
    board: "Offline trip",
    list: "Packing",
  });
  await addItem(a.page, "Packing", "Passport");
  await expect(a.page.getByRole("status")).toHaveText("Saved");
  await serviceWorkerReady(a.page);
  await expect.poll(() => texts(a.page, "Packing")).toEqual(["Passport"]);

  await a.page.context().setOffline(true);
  await a.page.reload();
  await expect(a.page.getByRole("status")).toHaveText(/Offline/);
  expect(await texts(a.page, "Packing")).toEqual(["Passport"]);
  await addItem(a.page, "Packing", "Charger");
  await expect(a.page.getByRole("status")).toHaveText("Offline · 1 unsaved change");
  await expect.poll(() => texts(a.page, "Packing")).toEqual(["Passport", "Charger"]);

  await a.page.context().setOffline(false);
  await expect(a.page.getByRole("status")).toHaveText("Saved", { timeout: 15_000 });
  await expect.poll(() => texts(b.page, "Packing")).toEqual(["Passport", "Charger"]);
  await b.page.reload();
  await expect.poll(() => texts(b.page, "Packing")).toEqual(["Passport", "Charger"]);

  // Signing out leaves nothing of Ada on the device.
  expect((await databases(a.page)).some((name) => name.startsWith("rewind:"))).toBe(true);
  await a.page.getByRole("button", { name: "Sign out" }).click();
  await a.page.waitForURL(/\/sign-in/);
  await expect.poll(() => databases(a.page)).toEqual([]);
  // No page of hers is kept either (the sign-in page may be, it holds nothing of anyone).
  const kept = (await a.page.evaluate(
    "caches.open('rewind-pages').then((c) => c.keys()).then((r) => r.map((q) => q.url))",
  )) as string[];
  expect(kept.filter((url) => !url.includes("/sign-in"))).toEqual([]);
});

test("a board on the device paints before the network answers, then shows what changed meanwhile", async ({
  browser,
  baseURL,
}) => {
  const { a, b, path } = await twoOnOneList(browser, baseURL, {
    owner: "Ada",
    editor: "Bob",
    board: "Cached trip",
    list: "Plan",
  });
  await addItem(a.page, "Plan", "Flights");
  await expect(a.page.getByRole("status")).toHaveText("Saved");
  // Back to "Your boards" within the app: the board's copy is written to the device as it closes.
  await a.page.getByRole("link", { name: "Rewind" }).click();
  await expect(a.page.getByRole("button", { name: "Create board" })).toBeVisible();
  await expect.poll(() => keptItems(a.page)).toEqual(["Flights"]);
  await addItem(b.page, "Plan", "Hotel"); // Bob adds while Ada is away
  await expect(b.page.getByRole("status")).toHaveText("Saved");

  // Every answer from the server to Ada's board page arrives 1.5 s late.
  await a.page.context().routeWebSocket(/\/api\/trpc/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      setTimeout(() => socket.send(message), 1_500);
    });
  });
  const opened = Date.now();
  await a.page.goto(path);
  await expect.poll(() => texts(a.page, "Plan"), { timeout: 1_400 }).toEqual(["Flights"]);
  expect(Date.now() - opened).toBeLessThan(1_500);
  await expect(a.page.getByRole("status")).toHaveText("Loading…"); // the server has not answered
  await expect.poll(() => texts(a.page, "Plan")).toEqual(["Flights", "Hotel"]);
  await expect(a.page.getByRole("status")).toHaveText("Saved");
});

test("a device keeps the 50 boards opened last", async ({ browser, baseURL }) => {
  test.setTimeout(60_000);
  const { a, path } = await twoOnOneList(browser, baseURL, {
    owner: "Ada",
    editor: "Bob",
    board: "The newest",
    list: "Now",
  });
  const boardId = path.split("/").pop() as string;
  const keptIds = () =>
    inDevice(
      a.page,
      `(db) => new Promise((ok) => { const r = db.transaction("boards").objectStore("boards").getAllKeys(); r.onsuccess = () => ok(r.result); })`,
    ) as Promise<string[]>;
  await expect.poll(keptIds, { timeout: 10_000 }).toEqual([boardId]);
  // 50 boards opened before, longest ago first.
  await inDevice(
    a.page,
    `(db) => new Promise((ok) => {
      const tx = db.transaction("boards", "readwrite");
      for (let i = 0; i < 50; i++)
        tx.objectStore("boards").put({ boardId: "old-" + i, openedAt: i + 1, version: 1, document: { title: "Old", lists: {} } });
      tx.oncomplete = () => ok(true);
    })`,
  );
  await addItem(a.page, "Now", "One more version"); // the open board is written again
  await expect.poll(async () => (await keptIds()).length, { timeout: 10_000 }).toBe(50);
  const kept = await keptIds();
  expect(kept).toContain(boardId);
  expect(kept).not.toContain("old-0"); // the one opened longest ago went
  expect(kept).toContain("old-1");
});

test("a device database kept by another protocol is dropped, and the board comes from the server", async ({
  browser,
  baseURL,
}) => {
  const { a, path } = await twoOnOneList(browser, baseURL, {
    owner: "Ada",
    editor: "Bob",
    board: "Across releases",
    list: "Now",
  });
  await addItem(a.page, "Now", "From the server");
  await expect(a.page.getByRole("status")).toHaveText("Saved");
  await expect.poll(() => keptItems(a.page)).toEqual(["From the server"]);
  // A later release (protocol 2) kept this person's boards its own way; then it was rolled back.
  const name = await a.page.evaluate("indexedDB.databases().then(([d]) => d.name)");
  await a.page.goto("/api/health"); // the same origin, no app holding the database open
  await a.page.evaluate(`new Promise((done, fail) => {
    const gone = indexedDB.deleteDatabase(${JSON.stringify(name)});
    gone.onsuccess = () => {
      const open = indexedDB.open(${JSON.stringify(name)}, 2);
      open.onupgradeneeded = () => open.result.createObjectStore("boards", { keyPath: "boardId" })
        .put({ boardId: ${JSON.stringify(path.split("/").pop())}, cards: ["From a later release"] });
      open.onsuccess = () => { open.result.close(); done(true); };
      open.onerror = () => fail(open.error);
    };
  })`);
  await a.page.goto(path);
  await expect.poll(() => texts(a.page, "Now")).toEqual(["From the server"]);
  await expect(a.page.getByRole("status")).toHaveText("Saved");
  expect(await inDevice(a.page, "(db) => db.version")).toBe(1);
  await expect.poll(() => keptItems(a.page)).toEqual(["From the server"]);
});
