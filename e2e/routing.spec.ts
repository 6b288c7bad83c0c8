// Routing by board: a board page's calls travel on a socket that names the board, so a balancer
// hashing on `board` (deploy/haproxy.cfg) sends all of a board's people to one instance.
import type { Page, WebSocket } from "@playwright/test";
import { expect } from "@playwright/test";
import { addList, createBoard, person, test } from "./board-fixtures";

/** Every WebSocket the page opens, with the procedures called on it. */
function watchSockets(page: Page) {
  const sockets: { url: string; socket: WebSocket; calls: string[] }[] = [];
  page.on("websocket", (socket) => {
    const entry = { url: socket.url(), socket, calls: [] as string[] };
    sockets.push(entry);
    socket.on("framesent", ({ payload }) => {
      for (const match of String(payload).matchAll(/"path":"([\w.]+)"/g)) {
        entry.calls.push(match[1] as string);
      }
    });
  });
  return sockets;
}

const boardIdOf = (path: string) => path.split("/").at(-1) as string;

test("a board page talks on its own socket, /api/trpc?board=<id>; another board opens another", async ({
  browser,
  baseURL,
}) => {
  const a = await person(browser, baseURL, "Ada");
  const sockets = watchSockets(a.page);
  const first = boardIdOf(await createBoard(a, "Routed one"));
  await addList(a.page, "Plans");
  await expect(a.page.getByRole("status")).toHaveText("Saved");

  const onFirst = () => sockets.filter((s) => s.url.includes(`?board=${first}`));
  await expect.poll(() => onFirst().length).toBe(1);
  const boardSocket = onFirst()[0];
  await expect
    .poll(() => boardSocket?.calls ?? [])
    .toEqual(expect.arrayContaining(["sync.load", "sync.subscribe", "sync.flush"]));
  // Nothing about the board goes on any other socket.
  for (const other of sockets.filter((s) => s !== boardSocket)) {
    expect(
      other.calls.filter((call) => call.startsWith("sync.") || call.startsWith("history.")),
    ).toEqual([]);
  }

  // Back to the list and into another board: its own socket; the first one is closed.
  await a.page.getByRole("link", { name: "Rewind" }).click();
  const second = boardIdOf(await createBoard(a, "Routed two"));
  expect(second).not.toBe(first);
  await expect.poll(() => sockets.filter((s) => s.url.includes(`?board=${second}`)).length).toBe(1);
  await expect.poll(() => boardSocket?.socket.isClosed()).toBe(true);
  const secondSocket = sockets.find((s) => s.url.includes(`?board=${second}`));
  await expect.poll(() => secondSocket?.calls ?? []).toContain("sync.load");
});
