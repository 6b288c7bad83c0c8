// bench:board's 5,000-card part: what people meet on a big board in Chromium, against the
// production server, and the engine's local apply on the same document.
import type { BrowserContext, Page } from "@playwright/test";
import { ClientProxy, type Doc } from "../src/sync";
import { BIG_ITEMS, bigBoardCommands, countCards, seed } from "./big-board";
import { apiClient } from "./clients";
import { median, percentile, report, time } from "./stats";

const OPENS = 7;
const EDITS = 30;
const FILTER_KEYS = "card 12".split("");

async function cookieOf(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

/**
 * Resolves, in the page, with the epoch time of the first frame painted after `ready()` holds
 * (checked at every mutation of the page; a rAF then a task after it is when the frame is on screen).
 */
export function paintedWhen(page: Page, ready: string): Promise<number> {
  // Written as a string: tsx would wrap named helpers in a function the page does not have.
  return page.evaluate(`new Promise((resolve) => {
    const ready = () => (${ready});
    const done = () => requestAnimationFrame(() =>
      setTimeout(() => resolve(performance.timeOrigin + performance.now()), 0));
    if (ready()) return done();
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      observer.disconnect();
      done();
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  })`) as Promise<number>;
}

export async function bigBoard(base: string, a: Page, b: Page, boardId: string) {
  const cookie = await cookieOf(a.context());
  const { api, close } = apiClient(base, cookie, "websocket");
  const members = await api.board.members.query({ boardId });
  const seedStart = performance.now();
  await seed(api, boardId, bigBoardCommands(members.map((m) => m.userId)));
  const { document, version } = await api.sync.load.query({ boardId });
  await close();
  const cards = countCards(document);
  console.log(
    `\nA board of ${cards.toLocaleString("en-US")} cards (descriptions, 2 labels, a due date and an assignee each; seeded through the API in ${((performance.now() - seedStart) / 1000).toFixed(1)} s, version ${version})`,
  );
  if (cards < BIG_ITEMS) throw new Error(`seeded ${cards} cards, expected ${BIG_ITEMS}`);

  // The engine's local apply on this document, as the page's ClientProxy does it.
  const proxy = new ClientProxy({
    clientId: "bench",
    base: { version, document: document as Doc },
  });
  const applies: number[] = [];
  for (let n = 0; n < 3000; n++) {
    const l = n % 5;
    const card = l * 1000 + ((n * 37) % 1000);
    applies.push(
      time(() =>
        proxy.apply({
          action: "update",
          path: ["lists", `list${l}`, "items", `card${card}`],
          props: { text: `edit ${n}` },
        }),
      ),
    );
    if (n % 50 === 49) proxy.beginFlush() && proxy.cancelFlush();
  }
  const warm = applies.slice(500);
  report(
    "local apply of one edit, ClientProxy on the 5,000-card document (median / p99)",
    `${median(warm).toFixed(3)} / ${percentile(warm, 99).toFixed(3)} ms`,
    "p99 < 1 ms",
    percentile(warm, 99) < 1,
  );

  // Opening the board: navigation → every list's cards painted (a fresh page each time).
  const allPainted = `document.querySelectorAll(".lists > .list").length === 5 && [...document.querySelectorAll(".lists > .list")].every((list) => list.querySelector(".item"))`;
  const opens: number[] = [];
  for (let n = 0; n < OPENS; n++) {
    const page = await a.context().newPage();
    await page.goto(`/boards/${boardId}`, { waitUntil: "commit" });
    const painted = await paintedWhen(page, allPainted);
    opens.push(painted - (await page.evaluate(() => performance.timeOrigin)));
    await page.close();
  }
  report(
    `open the board in Chromium → all lists painted (median / max of ${OPENS})`,
    `${median(opens).toFixed(0)} / ${Math.max(...opens).toFixed(0)} ms`,
    "median < 1,500 ms",
    median(opens) < 1500,
  );

  // A card's text committed with Enter → painted on the same page, and on the other person's.
  for (const page of [a, b]) {
    await page.goto(`/boards/${boardId}`);
    await page.waitForFunction(allPainted);
  }
  const same: number[] = [];
  const other: number[] = [];
  for (let n = 0; n < EDITS; n++) {
    // A card in view: one of the first six of each list (the lists are virtualised).
    const card = `card${(n % 5) * 1000 + Math.floor(n / 5)}`;
    const text = `renamed ${n} ${Date.now()}`;
    const row = a.locator(`.item[data-item-id="${card}"]`);
    await row.hover();
    await row.getByRole("button", { name: /^Edit / }).click();
    const input = a.getByRole("textbox", { name: "Item text" });
    await input.fill(text);
    const seen = `[...document.querySelectorAll(".item-text")].some((node) => node.textContent === ${JSON.stringify(text)})`;
    const onA = paintedWhen(a, seen);
    const onB = paintedWhen(b, seen);
    const pressed = await input.evaluate((node: HTMLInputElement) => {
      const at = performance.timeOrigin + performance.now();
      node.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      return at;
    });
    same.push((await onA) - pressed);
    other.push((await onB) - pressed);
  }
  report(
    "card text committed (Enter) → painted on the same page (median / p95)",
    `${median(same).toFixed(1)} / ${percentile(same, 95).toFixed(1)} ms`,
    "p95 < 50 ms",
    percentile(same, 95) < 50,
  );
  report(
    "card text committed (Enter) → painted on another person's page (median / p95)",
    `${median(other).toFixed(1)} / ${percentile(other, 95).toFixed(1)} ms`,
    "median < 50 ms",
    median(other) < 50,
  );

  // Typing in the filter box → the filtered board painted, key by key.
  const filter = a.getByRole("searchbox", { name: "Filter items" });
  const keys: number[] = [];
  for (let round = 0; round < 3; round++) {
    await filter.fill("");
    await a.waitForTimeout(200);
    for (const key of FILTER_KEYS) {
      const at = await filter.evaluate(
        (node: HTMLInputElement, typed) =>
          new Promise<number>((resolve) => {
            const start = performance.now();
            // What a key press does: the field's value changes and React re-renders the board.
            const setter = Object.getOwnPropertyDescriptor(
              HTMLInputElement.prototype,
              "value",
            )?.set;
            setter?.call(node, node.value + typed);
            node.dispatchEvent(new Event("input", { bubbles: true }));
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
          }),
        key,
      );
      keys.push(at);
    }
  }
  const shown = await a.locator(".item").count();
  report(
    `a key typed in "Filter items" → filtered board painted (median / p95, ${keys.length} keys)`,
    `${median(keys).toFixed(1)} / ${percentile(keys, 95).toFixed(1)} ms`,
    "p95 < 100 ms",
    percentile(keys, 95) < 100,
  );
  console.log(`  (after "${FILTER_KEYS.join("")}": ${shown} cards shown)`);
}
