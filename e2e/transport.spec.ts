import { expect } from "@playwright/test";
import { startServer } from "../test/server-process";
import { addItem, addList, createBoard, type Person, person, share, test } from "./board-fixtures";

const items = (who: Person, list: string) =>
  who.page.getByRole("region", { name: list }).locator(".item-text");

test("without WebSockets (a proxy that refuses upgrades) the board works over HTTP and SSE", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ada", { transport: "sse" });
  const b = await person(browser, baseURL, "Bob", { transport: "sse" });
  const path = await createBoard(a, "Over SSE");
  await share(a, b.user.email, "Editor");
  await addList(a.page, "Plans");
  await b.page.goto(path);
  await expect(b.page.locator("html")).toHaveAttribute("data-transport", "sse");
  await addItem(a.page, "Plans", "from Ada");
  await expect(items(b, "Plans")).toHaveText(["from Ada"]);
  await addItem(b.page, "Plans", "from Bob");
  await expect(items(a, "Plans")).toHaveText(["from Ada", "from Bob"]);
});

test("the server restarts mid-session: pages reconnect and catch up, no edit lost, no reload", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const options = { port: 3150, dataDir: ".data/e2e-restart" };
  let server = await startServer(options);
  try {
    const a = await person(browser, server.url, "Ada");
    const b = await person(browser, server.url, "Bob");
    const path = await createBoard(a, "Restart");
    await share(a, b.user.email, "Editor");
    await addList(a.page, "Plans");
    await b.page.goto(path);
    await addItem(a.page, "Plans", "before");
    await expect(items(b, "Plans")).toHaveText(["before"]);
    // A marker that a reload would lose.
    for (const who of [a, b]) await who.page.evaluate(() => Object.assign(window, { kept: 1 }));

    await server.stop();
    await addItem(a.page, "Plans", "while down");
    await expect(a.page.getByRole("status")).not.toHaveText("Saved");
    server = await startServer({ ...options, keepData: true });

    await expect(a.page.getByRole("status")).toHaveText("Saved", { timeout: 30_000 });
    await expect(items(b, "Plans")).toHaveText(["before", "while down"], { timeout: 30_000 });
    await addItem(b.page, "Plans", "after");
    await expect(items(a, "Plans")).toHaveText(["before", "while down", "after"]);
    for (const who of [a, b]) {
      expect(await who.page.evaluate(() => (window as unknown as { kept?: number }).kept)).toBe(1);
      await expect(who.page.locator("html")).toHaveAttribute("data-transport", "websocket");
    }
  } finally {
    await server.stop();
  }
});
