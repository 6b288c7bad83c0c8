import { expect, type Page } from "@playwright/test";
import { addItem, addList, createBoard, person, share, test, twoOnOneList } from "./board-fixtures";

/** The item texts of list "Groceries", in order. */
const groceries = (page: Page) =>
  page.getByRole("region", { name: "Groceries" }).locator(".item-text").allTextContents();

const undoButton = (page: Page) => page.getByRole("button", { name: "Undo", exact: true });
const redoButton = (page: Page) => page.getByRole("button", { name: "Redo", exact: true });

test("undo, redo, timeline, time travel and restore, with two people on one board", async ({
  browser,
  baseURL,
}) => {
  // Two sign-ups and about forty steps: ~20 s on an idle machine, 32 s seen on a slow one.
  test.setTimeout(90_000);
  const a = await person(browser, baseURL, "Ada");
  const b = await person(browser, baseURL, "Bob");
  const path = await createBoard(a, "Week");
  await share(a, b.user.email, "Editor");
  await addList(a.page, "Groceries");
  await expect(undoButton(a.page)).toBeEnabled();
  for (const item of ["milk", "eggs", "bread"]) await addItem(a.page, "Groceries", item);
  await b.page.goto(path);
  await expect.poll(() => groceries(b.page)).toEqual(["milk", "eggs", "bread"]);
  await expect(undoButton(b.page)).toBeDisabled(); // Bob has done nothing yet
  await addItem(b.page, "Groceries", "butter");
  await expect.poll(() => groceries(a.page)).toEqual(["milk", "eggs", "bread", "butter"]);

  // Ada's undo takes her last edit away on both pages; Bob's stays.
  await undoButton(a.page).click();
  await expect.poll(() => groceries(a.page)).toEqual(["milk", "eggs", "butter"]);
  await expect.poll(() => groceries(b.page)).toEqual(["milk", "eggs", "butter"]);
  await expect(redoButton(a.page)).toBeEnabled();
  await redoButton(a.page).click();
  await expect.poll(() => groceries(b.page)).toEqual(["milk", "eggs", "bread", "butter"]);
  await expect(redoButton(a.page)).toBeDisabled();

  // The keyboard does the same, outside text fields.
  await a.page.locator("body").click({ position: { x: 5, y: 5 } });
  await a.page.keyboard.press("Control+z");
  await expect.poll(() => groceries(b.page)).toEqual(["milk", "eggs", "butter"]);
  await expect(redoButton(a.page)).toBeEnabled();
  await a.page.keyboard.press("Control+Shift+z");
  await expect.poll(() => groceries(b.page)).toEqual(["milk", "eggs", "bread", "butter"]);
  // ...but not while typing: there Ctrl+Z belongs to the text field.
  const newItem = a.page
    .getByRole("region", { name: "Groceries" })
    .getByRole("textbox", { name: "New item" });
  await newItem.fill("jam");
  await newItem.press("Control+z");
  await expect.poll(() => groceries(a.page)).toEqual(["milk", "eggs", "bread", "butter"]);
  await newItem.fill("");

  // The timeline names both authors, newest first.
  await a.page.getByRole("button", { name: "History", exact: true }).click();
  const timeline = a.page.getByRole("complementary", { name: "History", exact: true });
  await expect(timeline.getByText("Bob added “butter” to Groceries")).toBeVisible();
  await expect(timeline.getByText("Ada added “milk” to Groceries")).toBeVisible();
  await expect(timeline.getByText("Ada redid: added “bread” to Groceries").first()).toBeVisible();
  await expect(timeline.getByText("Ada undid: added “bread” to Groceries").first()).toBeVisible();

  // An older version, read-only, then restored for everyone.
  await timeline.getByRole("button", { name: /^Ada added “milk” to Groceries/ }).click();
  await expect(a.page.getByText("Viewing version 2")).toBeVisible();
  await expect.poll(() => groceries(a.page)).toEqual(["milk"]);
  await expect(a.page.getByRole("button", { name: "Add list" })).toHaveCount(0);
  await expect(a.page.getByRole("slider", { name: "Version" })).toHaveValue("2");
  await a.page.getByRole("slider", { name: "Version" }).press("ArrowRight");
  await expect(a.page.getByText("Viewing version 3")).toBeVisible();
  await expect.poll(() => groceries(a.page)).toEqual(["milk", "eggs"]);
  await a.page.getByRole("button", { name: "Back to now" }).click();
  await expect.poll(() => groceries(a.page)).toEqual(["milk", "eggs", "bread", "butter"]);
  await timeline.getByRole("button", { name: /^Ada added “milk” to Groceries/ }).click();
  await a.page.getByRole("button", { name: "Restore this version" }).click();
  await expect(a.page.getByText("Viewing version 2")).toHaveCount(0);
  await expect.poll(() => groceries(a.page)).toEqual(["milk"]);
  await expect.poll(() => groceries(b.page)).toEqual(["milk"]);
  await expect(timeline.getByText("Ada restored version 2")).toBeVisible();

  // The history lives on the server: after a reload Ada can still undo (the restore).
  await a.page.reload();
  await expect(undoButton(a.page)).toBeEnabled();
  await undoButton(a.page).click();
  await expect.poll(() => groceries(a.page)).toEqual(["milk", "eggs", "bread", "butter"]);
  await expect.poll(() => groceries(b.page)).toEqual(["milk", "eggs", "bread", "butter"]);

  // An open timeline is kept up to date by what the server pushes: Bob's next edit appears on
  // top, and the restore Ada just undid is struck through.
  await a.page.getByRole("button", { name: "History", exact: true }).click();
  const reopened = a.page.getByRole("complementary", { name: "History", exact: true });
  await expect(reopened.getByText("Ada undid: restored version 2")).toBeVisible();
  await expect(reopened.getByRole("listitem").first()).toContainText("Ada undid");
  await addItem(b.page, "Groceries", "tea");
  await expect(reopened.getByRole("listitem").first()).toContainText(
    "Bob added “tea” to Groceries",
  );
  await b.page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(reopened.getByRole("listitem").first()).toContainText("Bob undid: added “tea”");
  await expect(reopened.getByRole("listitem").nth(1)).toContainText("(undone)");
});

test("the timeline loads older entries as it scrolls", async ({ browser, baseURL }) => {
  test.setTimeout(60_000); // 35 edits made one by one through the page: ~10 s here
  const a = await person(browser, baseURL, "Ada");
  await createBoard(a, "Long story");
  await addList(a.page, "Groceries");
  for (let i = 1; i <= 34; i++) await addItem(a.page, "Groceries", `item ${i}`);
  await expect(a.page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await a.page.getByRole("button", { name: "History", exact: true }).click();
  const timeline = a.page.getByRole("complementary", { name: "History", exact: true });
  const entries = timeline.locator(".timeline-entry");
  await expect(entries).toHaveCount(30); // the first page
  await expect(entries.first()).toContainText("Ada added “item 34” to Groceries");
  await timeline.locator(".timeline-end").scrollIntoViewIfNeeded();
  await expect(entries).toHaveCount(35);
  await expect(entries.last()).toContainText("Ada added the list “Groceries”");
  await expect(timeline.getByRole("button", { name: "Older changes" })).toHaveCount(0);
});

test("a viewer looking at a past version sees what changed since, by list, and the items marked", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ada");
  const v = await person(browser, baseURL, "Vera");
  const path = await createBoard(a, "Since");
  await share(a, v.user.email, "Viewer");
  await addList(a.page, "Groceries");
  for (const item of ["milk", "eggs"]) await addItem(a.page, "Groceries", item);
  await v.page.goto(path);
  await expect.poll(() => groceries(v.page)).toEqual(["milk", "eggs"]);

  // Others change the board while Vera watches.
  const list = a.page.getByRole("region", { name: "Groceries" });
  await list.getByRole("checkbox", { name: "milk" }).check();
  await addItem(a.page, "Groceries", "bread");
  await list.getByRole("button", { name: "Delete eggs" }).click();
  await expect.poll(() => groceries(v.page)).toEqual(["milk", "bread"]);

  await v.page.getByRole("button", { name: "History", exact: true }).click();
  const timeline = v.page.getByRole("complementary", { name: "History", exact: true });
  await timeline.getByRole("button", { name: /^Ada added “eggs” to Groceries/ }).click();
  await expect(v.page.getByText("Viewing version 3")).toBeVisible();
  const changes = v.page.getByRole("region", { name: "Changes since version 3" });
  await expect(changes.getByRole("heading", { name: "Groceries" })).toBeVisible();
  await expect(changes.getByRole("listitem")).toHaveText(
    ["Checked “milk”", "Added “bread” to Groceries", "Removed “eggs” from Groceries"],
    { useInnerText: true },
  );
  // The board shows version 3, with the items that changed since marked.
  await expect.poll(() => groceries(v.page)).toEqual(["milk", "eggs"]);
  await expect(v.page.locator(".item.changed")).toHaveCount(2);
  await v.page.getByRole("button", { name: "Back to now" }).click();
  await expect(changes).toHaveCount(0);
});

test("an item Bob changed and deleted comes back from Recently deleted, then its history restores its text", async ({
  browser,
  baseURL,
}) => {
  const { a, b } = await twoOnOneList(browser, baseURL, {
    owner: "Ada",
    editor: "Bob",
    board: "Bin",
    list: "Groceries",
  });
  await addItem(a.page, "Groceries", "milk");
  await addItem(a.page, "Groceries", "eggs");
  await expect.poll(() => groceries(b.page)).toEqual(["milk", "eggs"]);

  // Bob changes Ada's item, then deletes it.
  const onB = b.page.getByRole("region", { name: "Groceries" });
  await onB.getByRole("button", { name: "Edit milk" }).click();
  await b.page.getByRole("textbox", { name: "Item text" }).fill("beer");
  await b.page.getByRole("textbox", { name: "Item text" }).press("Enter");
  await onB.getByRole("button", { name: "Delete beer" }).click();
  await expect.poll(() => groceries(a.page)).toEqual(["eggs"]);

  // Ada finds it in Recently deleted and restores it: back at its old place, for Bob too.
  await a.page.getByRole("button", { name: "Recently deleted" }).click();
  const bin = a.page.getByRole("complementary", { name: "Recently deleted" });
  await expect(bin.getByRole("listitem")).toHaveCount(1);
  await expect(bin.getByRole("listitem")).toContainText("“beer” from Groceries, deleted by Bob");
  await bin.getByRole("button", { name: "Restore beer" }).click();
  await expect.poll(() => groceries(a.page)).toEqual(["beer", "eggs"]);
  await expect.poll(() => groceries(b.page)).toEqual(["beer", "eggs"]);
  await expect(bin.getByText("Nothing deleted.")).toBeVisible();

  // Its history: added by Ada, changed and deleted by Bob, restored by Ada.
  const onA = a.page.getByRole("region", { name: "Groceries" });
  await onA.getByRole("button", { name: "History of beer" }).focus();
  await a.page.keyboard.press("Enter");
  const story = a.page.getByRole("complementary", { name: "History of beer" });
  const entries = story.getByRole("listitem");
  await expect(entries).toHaveCount(4);
  await expect(entries.nth(0)).toContainText("Ada restored “beer” to Groceries");
  await expect(entries.nth(1)).toContainText("Bob deleted “beer” from Groceries");
  await expect(entries.nth(2)).toContainText("Bob changed “milk” to “beer”");
  await expect(entries.nth(3)).toContainText("Ada added “milk” to Groceries");
  // Back to what it said when Ada added it.
  await entries.nth(3).getByRole("button", { name: "Restore this item" }).click();
  await expect.poll(() => groceries(a.page)).toEqual(["milk", "eggs"]);
  await expect.poll(() => groceries(b.page)).toEqual(["milk", "eggs"]);
  // The panel is named after what the item says now.
  const renamed = a.page.getByRole("complementary", { name: "History of milk" });
  await expect(renamed.getByRole("listitem").first()).toContainText(
    "Ada restored the item: changed “beer” to “milk”",
  );

  // The restore is an entry of the timeline like any other: Ada's Undo takes it back.
  await expect(undoButton(a.page)).toBeEnabled();
  await undoButton(a.page).click();
  await expect.poll(() => groceries(a.page)).toEqual(["beer", "eggs"]);
  await expect.poll(() => groceries(b.page)).toEqual(["beer", "eggs"]);
});
