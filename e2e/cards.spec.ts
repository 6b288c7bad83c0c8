import { expect, type Page } from "@playwright/test";
import { addItem, addList, createBoard, person, share, test, twoOnOneList } from "./board-fixtures";

/** Opens card `text` from its row's "Open <text>" button; answers its dialog. */
async function openCard(page: Page, text: string) {
  await page.getByRole("button", { name: `Open ${text}`, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: text });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function setDue(page: Page, text: string, day: string) {
  const dialog = await openCard(page, text);
  await dialog.getByLabel("Due date").fill(day);
  await dialog.getByLabel("Due date").press("Enter");
  return dialog;
}

test("two people: one sets a due date and an assignee in the card, the other sees them live and filters Assignee: Me", async ({
  browser,
  baseURL,
}) => {
  const { a, b } = await twoOnOneList(browser, baseURL, {
    owner: "Ada Lovelace",
    editor: "Bob Stone",
    board: "Launch plan",
    list: "To do",
  });
  await addItem(a.page, "To do", "Launch");
  await addItem(a.page, "To do", "Party");
  await expect(b.page.getByRole("button", { name: "Open Party" })).toBeVisible();

  const dialog = await setDue(a.page, "Launch", "2026-12-12");
  await dialog
    .getByRole("group", { name: "Assignees" })
    .getByRole("checkbox", { name: "Bob Stone" })
    .check();
  await dialog
    .getByRole("textbox", { name: "Description" })
    .fill("Ship it: https://example.com/launch");
  // Escape closes the card, and what was being typed is kept.
  await a.page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  const launchOnB = b.page.locator(".item", { hasText: "Launch" });
  await expect(launchOnB.getByText("Due 12 Dec")).toBeVisible();
  await expect(launchOnB.getByRole("img", { name: "Bob Stone" })).toHaveText("BS");
  await expect(launchOnB.getByRole("img", { name: "Has a description" })).toBeVisible();

  // Bob's own cards: the filter lives in the URL and survives a reload.
  await b.page.getByRole("combobox", { name: "Assignee" }).selectOption("Me");
  const list = b.page.getByRole("region", { name: "To do" });
  await expect(list.getByText("1 of 2")).toBeVisible();
  await expect(list.getByRole("button", { name: "Open Party" })).toBeHidden();
  expect(new URL(b.page.url()).searchParams.get("assignee")).toBe("me");
  await b.page.reload();
  await expect(b.page.getByRole("combobox", { name: "Assignee" })).toHaveValue("me");
  await expect(b.page.getByRole("region", { name: "To do" }).getByText("1 of 2")).toBeVisible();

  // The description's link is a link, in Bob's read of the card.
  const onB = await openCard(b.page, "Launch");
  await expect(onB.getByRole("link", { name: "https://example.com/launch" })).toHaveAttribute(
    "href",
    "https://example.com/launch",
  );
});

test("labels: created, added to a card, filtered, then deleted off every card", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ada");
  await createBoard(a, "Labels board");
  await addList(a.page, "To do");
  await addItem(a.page, "To do", "Launch");
  await addItem(a.page, "To do", "Party");

  await a.page.getByRole("button", { name: "Labels" }).click();
  const labels = a.page.getByRole("dialog", { name: "Board labels" });
  await labels.getByRole("textbox", { name: "New label name" }).fill("Urgent");
  await labels.getByRole("combobox", { name: "New label color" }).selectOption("red");
  await labels.getByRole("button", { name: "Add label" }).click();
  await expect(labels.getByRole("textbox", { name: "Rename Urgent" })).toHaveValue("Urgent");
  await labels.getByRole("button", { name: "Close" }).click();

  const card = await openCard(a.page, "Launch");
  await card
    .getByRole("group", { name: "Labels" })
    .getByRole("checkbox", { name: "Urgent" })
    .check();
  await card.getByRole("button", { name: "Close" }).click();
  const launch = a.page.locator(".item", { hasText: "Launch" });
  await expect(launch.locator(".chip-red")).toHaveText("Urgent");

  await a.page.getByRole("combobox", { name: "Label" }).selectOption("Urgent");
  await expect(a.page.getByText("1 of 2")).toBeVisible();
  await a.page.getByRole("combobox", { name: "Label" }).selectOption("Any");
  await expect(a.page.getByText("1 of 2")).toBeHidden();

  await a.page.getByRole("button", { name: "Labels" }).click();
  await labels.getByRole("button", { name: "Delete Urgent" }).click();
  await expect(labels.getByText("No labels yet.")).toBeVisible();
  await labels.getByRole("button", { name: "Close" }).click();
  await expect(launch.locator(".chip")).toHaveCount(0);
  await expect(a.page.getByRole("status")).toHaveText("Saved");

  await a.page.getByRole("button", { name: "History", exact: true }).click();
  const timeline = a.page.getByRole("complementary", { name: "History" });
  await expect(timeline.getByText("Ada deleted the label “Urgent”")).toBeVisible();
  await expect(timeline.getByText("Ada added the label “Urgent” to “Launch”")).toBeVisible();
  await expect(timeline.getByText("Ada created the label “Urgent”")).toBeVisible();
});

test("the item's history tells each field's change and restores an earlier state", async ({
  browser,
  baseURL,
}) => {
  const { a, b } = await twoOnOneList(browser, baseURL, {
    owner: "Ada",
    editor: "Bob",
    board: "History board",
    list: "To do",
  });
  await addList(a.page, "Doing");
  await addItem(a.page, "To do", "Launch");
  let dialog = await setDue(a.page, "Launch", "2026-12-12");
  await dialog
    .getByRole("group", { name: "Assignees" })
    .getByRole("checkbox", { name: "Bob" })
    .check();
  await dialog.getByRole("button", { name: "Close" }).click();
  dialog = await setDue(a.page, "Launch", "2027-01-05");
  await dialog.getByRole("combobox", { name: "Move to list" }).selectOption("Doing");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(a.page.getByRole("region", { name: "Doing" }).getByText("Due 5 Jan")).toBeVisible();
  await expect(b.page.getByRole("region", { name: "Doing" }).getByText("Due 5 Jan")).toBeVisible();

  await a.page.getByRole("button", { name: "History of Launch" }).click();
  const story = a.page.getByRole("complementary", { name: "History of Launch" });
  const entries = story.getByRole("listitem");
  await expect(entries.nth(0)).toContainText("Ada moved “Launch” to Doing");
  await expect(entries.nth(1)).toContainText("Ada set the due date of “Launch” to 5 Jan 2027");
  await expect(entries.nth(2)).toContainText("Ada assigned Bob to “Launch”");
  await expect(entries.nth(3)).toContainText("Ada set the due date of “Launch” to 12 Dec 2026");
  // Back to how it was with only its first due date: list, due date and assignees restored.
  await entries.nth(3).getByRole("button", { name: "Restore this item" }).click();
  const todo = b.page.getByRole("region", { name: "To do" });
  await expect(todo.getByText("Due 12 Dec")).toBeVisible();
  await expect(todo.getByRole("img", { name: "Bob" })).toHaveCount(0);
  await expect(b.page.getByRole("region", { name: "Doing" }).getByText("Launch")).toBeHidden();
});

test("keyboard only: / filters, arrows move between cards, Enter opens, Escape closes, n adds, Ctrl+Z undoes", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ada");
  await createBoard(a, "Keys");
  await addList(a.page, "To do");
  await addList(a.page, "Done");
  await addItem(a.page, "To do", "First");
  await addItem(a.page, "To do", "Second");
  await addItem(a.page, "Done", "Shipped");
  const { page } = a;
  await expect(page.getByRole("status")).toHaveText("Saved");
  await page.locator("body").click({ position: { x: 5, y: 5 } });

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  await page.keyboard.press("/");
  await expect(page.getByRole("searchbox", { name: "Filter items" })).toBeFocused();
  await page.keyboard.type("sec");
  await expect(page.getByRole("region", { name: "To do" }).getByText("1 of 2")).toBeVisible();
  await page.keyboard.press("Escape"); // clears the filter
  await expect(page.getByRole("region", { name: "To do" }).getByText("1 of 2")).toBeHidden();
  await page.keyboard.press("Tab"); // out of the text field

  const row = (text: string) => page.locator(".item", { hasText: text });
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("ArrowDown");
  await expect(row("First")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(row("Second")).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(row("Shipped")).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(row("First")).toBeFocused();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "First" });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(row("First")).toBeFocused();

  await page.keyboard.press("n");
  const input = page
    .getByRole("region", { name: "To do" })
    .getByRole("textbox", { name: "New item" });
  await expect(input).toBeFocused();
  await page.keyboard.type("Third");
  await page.keyboard.press("Enter");
  await expect(row("Third")).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Saved");
  await page.keyboard.press("Tab"); // leaves the text field, where Ctrl+Z is the field's own
  await expect(page.getByRole("button", { name: "Undo" })).toBeEnabled();
  await page.keyboard.press("Control+z");
  await expect(row("Third")).toBeHidden();
});

test("a 390 px phone adds a card and moves it to another list", async ({ browser, baseURL }) => {
  const a = await person(browser, baseURL, "Ada");
  await a.page.setViewportSize({ width: 390, height: 844 });
  await createBoard(a, "Phone");
  await addList(a.page, "To do");
  await addList(a.page, "Doing");
  await addItem(a.page, "To do", "Call the printer");
  const dialog = await openCard(a.page, "Call the printer");
  const box = await dialog.boundingBox();
  expect(box?.width).toBeGreaterThanOrEqual(389); // the dialog fills the screen
  await dialog.getByRole("combobox", { name: "Move to list" }).selectOption("Doing");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(
    a.page
      .getByRole("region", { name: "Doing" })
      .getByRole("button", { name: "Open Call the printer" }),
  ).toBeAttached();
  await expect(
    a.page.getByRole("region", { name: "To do" }).getByText("Call the printer"),
  ).toHaveCount(0);
  // Lists scroll sideways instead of squeezing.
  const lists = a.page.locator(".lists");
  expect(await lists.evaluate((node) => node.scrollWidth > node.clientWidth)).toBe(true);
  expect(await a.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    390,
  );
});

test("a viewer sees the card read-only", async ({ browser, baseURL }) => {
  const a = await person(browser, baseURL, "Ada");
  const v = await person(browser, baseURL, "Vic");
  const path = await createBoard(a, "Read only");
  await share(a, v.user.email, "Viewer");
  await addList(a.page, "To do");
  await addItem(a.page, "To do", "Launch");
  await v.page.goto(path);
  const dialog = await openCard(v.page, "Launch");
  await expect(dialog.getByRole("textbox", { name: "Text" })).toBeDisabled();
  await expect(dialog.getByLabel("Due date")).toBeDisabled();
  await expect(dialog.getByRole("combobox", { name: "Move to list" })).toBeDisabled();
  await expect(dialog.getByRole("checkbox", { name: "Done" })).toBeDisabled();
});
