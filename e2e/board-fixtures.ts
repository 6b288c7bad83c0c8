import {
  type Browser,
  type BrowserContext,
  test as base,
  expect,
  type Page,
} from "@playwright/test";
import { newUser, signUp, type TestUser } from "./fixtures";

export interface Person {
  user: TestUser;
  page: Page;
  /** How their pages reach the server: a WebSocket, or HTTP and SSE when sockets are refused. */
  transport: "websocket" | "sse";
}

/** Contexts opened by `person` in the running test (a worker runs one test at a time). */
const opened: BrowserContext[] = [];

/**
 * Playwright's `test`, closing every person's browser context when the test ends: pages left
 * open keep their sockets, subscriptions and timers running, and slow every later test.
 */
export const test = base.extend<{ closePeople: void }>({
  closePeople: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies this way.
    async ({}, use) => {
      await use();
      await Promise.all(opened.splice(0).map((context) => context.close()));
    },
    { auto: true },
  ],
});

/**
 * A signed-up user in their own browser context (their own cookies and storage). With
 * `transport: "sse"`, every WebSocket to /api/trpc is refused, as a proxy that refuses upgrades.
 */
export async function person(
  browser: Browser,
  baseURL: string | undefined,
  name: string,
  options: { transport?: Person["transport"] } = {},
): Promise<Person> {
  const context = await browser.newContext({ baseURL });
  opened.push(context);
  const transport = options.transport ?? "websocket";
  if (transport === "sse") {
    await context.routeWebSocket(/\/api\/trpc/, (socket) => socket.close());
  }
  const page = await context.newPage();
  const user = newUser(name);
  await signUp(page, user);
  return { user, page, transport };
}

/** `owner` creates a board from "Your boards" and opens it; returns its URL path. */
export async function createBoard(owner: Person, title: string): Promise<string> {
  const { page } = owner;
  const create = page.getByRole("button", { name: "Create board" });
  await expect(create).toBeEnabled(); // the page is live (hydrated): typing now is kept
  await page.getByRole("textbox", { name: "Board title" }).fill(title);
  await create.click();
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-transport", owner.transport);
  return new URL(page.url()).pathname;
}

/**
 * Two people (`owner` and `editor`) on a new board with one list, `list`, both pages open on it
 * and everything saved.
 */
export async function twoOnOneList(
  browser: Browser,
  baseURL: string | undefined,
  names: { owner: string; editor: string; board: string; list: string },
) {
  const a = await person(browser, baseURL, names.owner);
  const b = await person(browser, baseURL, names.editor);
  const path = await createBoard(a, names.board);
  await share(a, b.user.email, "Editor");
  await addList(a.page, names.list);
  await expect(a.page.getByRole("status")).toHaveText("Saved");
  await b.page.goto(path);
  return { a, b, path };
}

export async function share(owner: Person, email: string, role: "Editor" | "Viewer") {
  const { page } = owner;
  await page.getByRole("button", { name: "Share" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("textbox", { name: "Email" }).fill(email);
  await dialog.getByRole("radio", { name: role }).check();
  await dialog.getByRole("button", { name: "Invite" }).click();
  await expect(dialog.getByText(`Invited ${email}`)).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
}

export async function addList(page: Page, title: string) {
  await page.getByRole("textbox", { name: "New list title" }).fill(title);
  await page.getByRole("button", { name: "Add list" }).click();
}

export async function addItem(page: Page, list: string, text: string) {
  const region = page.getByRole("region", { name: list });
  await region.getByRole("textbox", { name: "New item" }).fill(text);
  await region.getByRole("button", { name: "Add item" }).click();
}

/** What a person sees of the board: list titles with their items' text and done state. */
export async function visibleBoard(page: Page) {
  return page.locator(".list").evaluateAll((lists) =>
    lists.map((list) => ({
      title: list.querySelector("h2")?.textContent,
      items: [...list.querySelectorAll(".item")].map((item) => ({
        text: item.querySelector(".item-text")?.textContent,
        done: (item.querySelector('input[type="checkbox"]') as HTMLInputElement | null)?.checked,
      })),
    })),
  );
}
