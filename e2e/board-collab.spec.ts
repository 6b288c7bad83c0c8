import { expect } from "@playwright/test";
import {
  addItem,
  addList,
  createBoard,
  person,
  share,
  test,
  twoOnOneList,
  visibleBoard,
} from "./board-fixtures";

test("simultaneous edits, to different items and to the same item, converge everywhere", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ann");
  const b = await person(browser, baseURL, "Bob");
  const path = await createBoard(a, "Together");
  await share(a, b.user.email, "Editor");
  await addList(a.page, "Tasks");
  for (const item of ["one", "two", "three"]) await addItem(a.page, "Tasks", item);
  await b.page.goto(path);
  const onA = a.page.getByRole("region", { name: "Tasks" });
  const onB = b.page.getByRole("region", { name: "Tasks" });
  await expect(onB.getByRole("checkbox")).toHaveCount(3);

  // Both start editing before either saves.
  await onA.getByRole("button", { name: "Edit one" }).click();
  await onB.getByRole("button", { name: "Edit two" }).click();
  await a.page.getByRole("textbox", { name: "Item text" }).fill("one by Ann");
  await b.page.getByRole("textbox", { name: "Item text" }).fill("two by Bob");
  await Promise.all([
    a.page.getByRole("textbox", { name: "Item text" }).press("Enter"),
    b.page.getByRole("textbox", { name: "Item text" }).press("Enter"),
  ]);
  await onA.getByRole("button", { name: "Edit three" }).click();
  await onB.getByRole("button", { name: "Edit three" }).click();
  await a.page.getByRole("textbox", { name: "Item text" }).fill("three (Ann)");
  await b.page.getByRole("textbox", { name: "Item text" }).fill("three (Bob)");
  await Promise.all([
    a.page.getByRole("textbox", { name: "Item text" }).press("Enter"),
    b.page.getByRole("textbox", { name: "Item text" }).press("Enter"),
  ]);

  await expect(a.page.getByRole("status")).toHaveText("Saved");
  await expect(b.page.getByRole("status")).toHaveText("Saved");
  await expect(onA.getByRole("checkbox", { name: "one by Ann" })).toBeVisible();
  await expect(onB.getByRole("checkbox", { name: "two by Bob" })).toBeVisible();
  await expect
    .poll(async () => JSON.stringify(await visibleBoard(a.page)))
    .toBe(JSON.stringify(await visibleBoard(b.page)));
  const settled = await visibleBoard(a.page);
  expect(settled[0]?.items.map((i) => i.text).slice(0, 2)).toEqual(["one by Ann", "two by Bob"]);
  expect(["three (Ann)", "three (Bob)"]).toContain(settled[0]?.items[2]?.text);
  await b.page.reload();
  await expect.poll(() => visibleBoard(b.page)).toEqual(settled);
});

test("offline edits survive closing the page and are flushed on return", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ann");
  const b = await person(browser, baseURL, "Bob");
  const path = await createBoard(a, "Trip");
  await share(a, b.user.email, "Editor");
  await addList(a.page, "Pack");
  await addItem(a.page, "Pack", "passport");
  await expect(a.page.getByRole("status")).toHaveText("Saved");
  await b.page.goto(path);

  const context = a.page.context();
  await context.setOffline(true);
  await addItem(a.page, "Pack", "charger");
  await addItem(a.page, "Pack", "sunscreen");
  await a.page
    .getByRole("region", { name: "Pack" })
    .getByRole("checkbox", { name: "passport" })
    .check();
  await expect(a.page.getByRole("status")).toHaveText("Offline · 3 unsaved changes");
  // (A flush sent just as the network went may have reached the server with its answer lost:
  // the edits stay unsaved on A's side and the retry must not apply them twice.)
  await a.page.close();

  await context.setOffline(false);
  const again = await context.newPage();
  await again.goto(path);
  const pack = again.getByRole("region", { name: "Pack" });
  await expect(pack.getByRole("checkbox", { name: "sunscreen" })).toBeVisible();
  await expect(pack.getByRole("checkbox", { name: "passport" })).toBeChecked();
  await expect(again.getByRole("status")).toHaveText("Saved");
  const onB = b.page.getByRole("region", { name: "Pack" });
  await expect(onB.getByRole("checkbox")).toHaveCount(3);
  await expect(onB.getByRole("checkbox", { name: "passport" })).toBeChecked();
});

test("a reopened page re-sending an unanswered flush never shows an edit twice", async ({
  browser,
  baseURL,
}) => {
  const { a, b, path } = await twoOnOneList(browser, baseURL, {
    owner: "Ada",
    editor: "Bob",
    board: "Holidays",
    list: "Trip",
  });

  // Ada's flushes reach the server, but their answers are lost on the way back (her socket is
  // routed through the test, which drops the answers to sync.flush).
  await a.page.routeWebSocket(/\/api\/trpc/, (page) => {
    const server = page.connectToServer();
    const flushes = new Set<unknown>();
    page.onMessage((message) => {
      const sent = JSON.parse(String(message)) as { id?: unknown; params?: { path?: string } };
      if (sent.params?.path === "sync.flush") flushes.add(sent.id);
      server.send(message);
    });
    server.onMessage((message) => {
      const answer = JSON.parse(String(message)) as { id?: unknown };
      if (!flushes.has(answer.id)) page.send(message);
    });
  });
  await a.page.reload(); // a new socket, through the route
  await addItem(a.page, "Trip", "Passport");
  await addItem(a.page, "Trip", "Tickets");
  const onB = b.page.getByRole("region", { name: "Trip" });
  await expect(onB.getByRole("checkbox", { name: "Passport" })).toBeVisible();
  await expect(a.page.getByRole("status")).not.toHaveText("Saved");
  const context = a.page.context();
  await a.page.close();

  const again = await context.newPage();
  // Samples every state of the page while it settles: the most copies of one item text seen.
  await again.addInitScript(() => {
    const sampled = window as unknown as { maxCopies: number };
    sampled.maxCopies = 0;
    new MutationObserver(() => {
      const counts = new Map<string, number>();
      for (const node of document.querySelectorAll(".item-text")) {
        const text = node.textContent ?? "";
        counts.set(text, (counts.get(text) ?? 0) + 1);
      }
      sampled.maxCopies = Math.max(sampled.maxCopies, ...counts.values());
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await again.goto(path);
  const trip = again.getByRole("region", { name: "Trip" });
  await expect(trip.getByRole("checkbox", { name: "Tickets" })).toBeVisible();
  await expect(again.getByRole("status")).toHaveText("Saved");
  await expect(onB.getByRole("checkbox")).toHaveCount(2);
  await expect(trip.getByRole("checkbox")).toHaveCount(2);
  expect(await again.evaluate(() => (window as unknown as { maxCopies: number }).maxCopies)).toBe(
    1,
  );
});

test("a viewer sees the board read-only, and the server refuses a forced flush", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ann");
  const v = await person(browser, baseURL, "Vera");
  const path = await createBoard(a, "Roadmap");
  await addList(a.page, "Q1");
  await addItem(a.page, "Q1", "ship it");
  await share(a, v.user.email, "Viewer");
  await v.page.goto(path);
  const q1 = v.page.getByRole("region", { name: "Q1" });
  await expect(q1.getByRole("checkbox", { name: "ship it" })).toBeDisabled();
  await expect(q1.getByRole("textbox", { name: "New item" })).toBeDisabled();
  await expect(q1.getByRole("button", { name: "Delete ship it" })).toBeDisabled();
  await expect(v.page.getByRole("textbox", { name: "New list title" })).toBeDisabled();
  await expect(v.page.getByRole("button", { name: "Share" })).toHaveCount(0);
  // History can be browsed, not changed.
  await expect(v.page.getByRole("button", { name: "Undo", exact: true })).toBeDisabled();
  await expect(v.page.getByRole("button", { name: "Redo", exact: true })).toBeDisabled();
  await v.page.getByRole("button", { name: "History", exact: true }).click();
  const timeline = v.page.getByRole("complementary", { name: "History", exact: true });
  await expect(timeline.getByText("Ann added “ship it” to Q1")).toBeVisible();
  await expect(timeline.getByRole("button", { name: /^Undo: / })).toHaveCount(0);
  await timeline.getByRole("button", { name: /^Ann added the list “Q1”/ }).click();
  await expect(v.page.getByText("Viewing version 1")).toBeVisible();
  await expect(v.page.getByRole("button", { name: "Restore this version" })).toHaveCount(0);
  await v.page.getByRole("button", { name: "Back to now" }).click();

  const boardId = path.split("/").pop();
  const forced = await v.page.request.post("/api/trpc/sync.flush", {
    data: {
      json: {
        boardId,
        clientId: "forced",
        batchSeq: 1,
        from: 0,
        commands: [{ action: "delete", path: ["lists"] }],
      },
    },
  });
  expect(forced.status()).toBe(403);
  await a.page.reload();
  await expect(
    a.page.getByRole("region", { name: "Q1" }).getByRole("checkbox", { name: "ship it" }),
  ).toBeVisible();
});

test("when the board is full, the refused item disappears and the alert says why", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const a = await person(browser, baseURL, "Ann");
  const path = await createBoard(a, "Full");
  const boardId = path.split("/").pop();
  // 5,000 items through the API (at most 500 commands a flush), then one more through the page.
  const flush = async (batchSeq: number, commands: object[]) => {
    const response = await a.page.request.post("/api/trpc/sync.flush", {
      data: { json: { boardId, clientId: "filler", batchSeq, from: 0, commands } },
    });
    expect(response.status()).toBe(200);
    expect((await response.json()).result.data.json.errors).toEqual([]);
  };
  const items = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      action: "create",
      path: ["lists", "big", "items"],
      createdId: `${prefix}${i}`,
      props: { text: `${prefix}${i}` },
    }));
  await flush(1, [
    { action: "create", path: ["lists"], createdId: "big", props: { title: "Big" } },
    ...items("a", 499),
  ]);
  for (let batch = 0; batch < 9; batch++) await flush(2 + batch, items(`b${batch}-`, 500));
  await flush(11, [
    { action: "create", path: ["lists"], createdId: "more", props: { title: "More" } },
    ...items("c", 1),
  ]);
  await a.page.reload();
  await expect(a.page.getByRole("region", { name: "More" })).toBeVisible();
  await addItem(a.page, "More", "one too many");
  await expect(
    a.page.getByRole("alert").filter({ hasText: "This board is full: 5,000 items at most" }),
  ).toBeVisible();
  await expect(a.page.getByRole("region", { name: "More" }).getByRole("checkbox")).toHaveCount(0);
  await expect(a.page.getByRole("status")).toHaveText("Saved");
});

test("an expired session sends the user to sign in, and their unsent edit survives", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ann");
  const path = await createBoard(a, "Notes");
  await addList(a.page, "Ideas");
  await expect(a.page.getByRole("status")).toHaveText("Saved");
  // An edit is made and not yet sent (the network is down), then the session ends elsewhere (the
  // session row goes). When the network returns, the page learns its session is gone: it must
  // send the user to sign in and keep the edit until they are back. (That a live socket is dropped
  // within a second of sign-out is ws.integration.test.ts's; doing it here would race the edit.)
  const context = a.page.context();
  await context.setOffline(true);
  await addItem(a.page, "Ideas", "keep me");
  await expect(a.page.getByRole("status")).toHaveText("Offline · 1 unsaved change");
  const signedOut = await a.page.request.post("/api/auth/sign-out", {
    headers: { origin: baseURL ?? "" },
    data: {},
  });
  expect(signedOut.ok()).toBe(true);
  await context.setOffline(false);
  await expect(a.page).toHaveURL(/\/sign-in\?next=/);
  await expect(a.page.getByRole("button", { name: "Sign in" })).toBeEnabled(); // hydrated
  await a.page.getByRole("textbox", { name: "Email" }).fill(a.user.email);
  await a.page.getByRole("textbox", { name: "Password" }).fill(a.user.password);
  await a.page.getByRole("button", { name: "Sign in" }).click();
  // Back on the board they were on.
  await expect(a.page).toHaveURL(new RegExp(`${path}$`));
  await expect(
    a.page.getByRole("region", { name: "Ideas" }).getByRole("checkbox", { name: "keep me" }),
  ).toBeVisible();
  await expect(a.page.getByRole("status")).toHaveText("Saved");
  await a.page.reload();
  await expect(
    a.page.getByRole("region", { name: "Ideas" }).getByRole("checkbox", { name: "keep me" }),
  ).toBeVisible();
});

test("an owner makes an editor viewer, then removes them: the editor's open page follows live", async ({
  browser,
  baseURL,
}) => {
  const { a, b } = await twoOnOneList(browser, baseURL, {
    owner: "Olga",
    editor: "Ivan",
    board: "Access",
    list: "Tasks",
  });
  const tasks = b.page.getByRole("region", { name: "Tasks" });
  await expect(tasks.getByRole("textbox", { name: "New item" })).toBeEnabled();

  await a.page.getByRole("button", { name: "Share" }).click();
  const dialog = a.page.getByRole("dialog");
  await expect(dialog.getByText("Owner")).toBeVisible();
  await dialog.getByRole("combobox", { name: "Role of Ivan" }).selectOption("Viewer");
  // Ivan's page turns read-only without a reload.
  await expect(tasks.getByRole("textbox", { name: "New item" })).toBeDisabled();
  await expect(b.page.getByText("You can view this board.")).toBeVisible();
  await expect(dialog.getByRole("combobox", { name: "Role of Ivan" })).toHaveValue("viewer");

  await dialog.getByRole("button", { name: "Remove Ivan" }).click();
  await expect(dialog.getByRole("button", { name: "Remove Ivan" })).toHaveCount(0);
  await expect(b.page.getByRole("heading", { name: "Board not found" })).toBeVisible();
  // The owner keeps their board.
  await dialog.getByRole("button", { name: "Close" }).click();
  await addItem(a.page, "Tasks", "still mine");
  await expect(a.page.getByRole("status")).toHaveText("Saved");
});
