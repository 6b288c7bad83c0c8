/**
 * Due dates are calendar dates written `YYYY-MM-DD`, with no time zone: "today" is the viewer's
 * own calendar day, and comparing two dates is comparing the strings.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number) => String(n).padStart(2, "0");

/** A local date as `YYYY-MM-DD`. */
export function calendarDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `YYYY-MM-DD` moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** "12 Dec 2026", or "12 Dec" with `withYear` false. */
export function formatDay(day: string, withYear = true): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const short = `${d} ${MONTHS[m - 1] ?? "?"}`;
  return withYear ? `${short} ${y}` : short;
}

/** The Monday..Sunday week that holds `today`, as its first and last day. */
export function weekOf(today: string): { first: string; last: string } {
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  const first = addDays(today, -weekday);
  return { first, last: addDays(first, 6) };
}
