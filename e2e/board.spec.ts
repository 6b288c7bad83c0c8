import { expect } from "@playwright/test";
import { addItem, addList, createBoard, person, share, test, visibleBoard } from "./board-fixtures";

test("A adds a list and three items; B sees them live, within 2 seconds", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ann Able");
  const b = await person(browser, baseURL, "Bob Baker");
  const path = await createBoard(a, "Groceries");
  await share(a, b.user.email, "Editor");
  await b.page.goto(path);
  await expect(b.page.getByRole("heading", { name: "Groceries", level: 1 })).toBeVisible();
  // Each sees the other on the board.
  await expect(a.page.getByRole("list", { name: "On this board now" })).toContainText("Bob Baker");
  await expect(b.page.getByRole("list", { name: "On this board now" })).toContainText("Ann Able");

  await addList(a.page, "Dairy");
  for (const item of ["milk", "butter", "cheese"]) await addItem(a.page, "Dairy", item);
  const dairyOnB = b.page.getByRole("region", { name: "Dairy" });
  await expect(dairyOnB.getByRole("checkbox", { name: "cheese" })).toBeVisible({ timeout: 2000 });
  await expect(dairyOnB.getByRole("checkbox")).toHaveCount(3);
  await expect(a.page.getByRole("status")).toHaveText("Saved");

  // B checks an item and renames another; A sees it.
  await dairyOnB.getByRole("checkbox", { name: "milk" }).check();
  await dairyOnB.getByRole("button", { name: "Edit butter" }).click();
  await b.page.getByRole("textbox", { name: "Item text" }).fill("salted butter");
  await b.page.getByRole("textbox", { name: "Item text" }).press("Enter");
  const dairyOnA = a.page.getByRole("region", { name: "Dairy" });
  await expect(dairyOnA.getByRole("checkbox", { name: "milk" })).toBeChecked();
  await expect(dairyOnA.getByRole("checkbox", { name: "salted butter" })).toBeVisible();

  // Escape cancels an edit; delete and reorder work and reach the other page.
  await dairyOnA.getByRole("button", { name: "Edit cheese" }).click();
  await a.page.getByRole("textbox", { name: "Item text" }).fill("nope");
  await a.page.getByRole("textbox", { name: "Item text" }).press("Escape");
  await dairyOnA.getByRole("button", { name: "Move cheese up" }).click();
  await dairyOnA.getByRole("button", { name: "Delete milk" }).click();
  await expect(dairyOnB.getByRole("checkbox")).toHaveCount(2);
  await expect(b.page.getByRole("status")).toHaveText("Saved");
  await expect
    .poll(() => visibleBoard(b.page))
    .toEqual([
      {
        title: "Dairy",
        items: [
          { text: "cheese", done: false },
          { text: "salted butter", done: false },
        ],
      },
    ]);
});

test("lists can be renamed, reordered and deleted, and the board renamed, for everyone", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ann");
  const b = await person(browser, baseURL, "Bob");
  const path = await createBoard(a, "Week");
  await share(a, b.user.email, "Editor");
  await b.page.goto(path);
  for (const title of ["Mon", "Tue", "Wed"]) await addList(a.page, title);
  await a.page.getByRole("button", { name: "Rename list Tue" }).click();
  await a.page.getByRole("textbox", { name: "List title", exact: true }).fill("Tuesday");
  await a.page.getByRole("textbox", { name: "List title", exact: true }).press("Enter");
  await a.page.getByRole("button", { name: "Move list Wed left" }).click();
  await a.page.getByRole("button", { name: "Delete list Mon" }).click();
  await a.page.getByRole("button", { name: "Rename board" }).click();
  await a.page.getByRole("textbox", { name: "Board title" }).fill("Next week");
  await a.page.getByRole("textbox", { name: "Board title" }).press("Enter");
  await expect(b.page.getByRole("heading", { name: "Next week", level: 1 })).toBeVisible();
  await expect
    .poll(async () => (await visibleBoard(b.page)).map((l) => l.title))
    .toEqual(["Wed", "Tuesday"]);
  await b.page.goto("/");
  await expect(b.page.getByRole("link", { name: "Next week" })).toBeVisible();
});

test("A board link for a non-member shows Board not found", async ({ browser, baseURL }) => {
  const a = await person(browser, baseURL, "Owner");
  const stranger = await person(browser, baseURL, "Stranger");
  const path = await createBoard(a, "Private plans");
  await stranger.page.goto(path);
  await expect(stranger.page.getByRole("heading", { name: "Board not found" })).toBeVisible();
  await expect(stranger.page.getByText("Private plans")).toHaveCount(0);
});
