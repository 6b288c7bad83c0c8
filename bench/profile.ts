// Reading V8 CPU profiles written by a server run with `node --cpu-prof` (profile:wire, bench:capacity).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function (name and place), summed over the samples of a V8 CPU profile taken
 * between `from` and `to` (microseconds of the system's monotonic clock).
 */
export function topSelfTime(
  profile: Profile,
  window: { from: bigint; to: bigint },
  count = 10,
  by: "function" | "package" = "function",
) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < Number(window.from) || at > Number(window.to)) return;
    const frame = byId.get(id)?.callFrame;
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    total += delta;
    if (!frame) return;
    const where = frame.url
      ? `${frame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/src\//, "src/")}:${frame.lineNumber + 1}`
      : "";
    const key =
      by === "package"
        ? packageOf(frame.url, frame.functionName)
        : `${frame.functionName || "(anonymous)"} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  return { total, rows };
}

/** Where a function lives: its npm package, Node's own code, or Rewind's (the built server). */
function packageOf(url: string, name: string): string {
  const inPackage = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (inPackage) return inPackage[1] as string;
  if (url.includes("/dist/server.mjs")) return "rewind (dist/server.mjs)";
  if (url.startsWith("node:")) return "node";
  return url ? url : name;
}

/**
 * Prints the top functions by self time of the profile in `dir`, over `window` (`BY=package`:
 * summed by npm package instead).
 */
export function printTopSelfTime(dir: string, window: { from: bigint; to: bigint }) {
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error("no profile written");
  const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  const by = process.env.BY === "package" ? "package" : "function";
  const { total, rows } = topSelfTime(profile, window, Number(process.env.TOP ?? 10), by);
  console.log(
    `Top ${by === "package" ? "packages" : "functions"} by self time, during the load (${(total / 1000).toFixed(1)} s sampled):`,
  );
  for (const [name, msSelf] of rows) {
    console.log(
      `  ${((100 * msSelf) / total).toFixed(1).padStart(5)} %  ${msSelf.toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
}
