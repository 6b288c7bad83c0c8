import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";

export interface TestUser {
  name: string;
  email: string;
  password: string;
}

/** A user no test has used before, so specs can run in parallel on one database. */
export function newUser(name = "Test User"): TestUser {
  return { name, email: `${randomUUID()}@example.com`, password: "correct horse battery" };
}

export async function signUp(page: Page, user: TestUser) {
  await page.goto("/sign-up");
  await expect(page.getByRole("button", { name: "Sign up" })).toBeEnabled(); // hydrated
  await page.getByRole("textbox", { name: "Name" }).fill(user.name);
  await page.getByRole("textbox", { name: "Email" }).fill(user.email);
  await page.getByRole("textbox", { name: "Password" }).fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Your boards" })).toBeVisible();
}

export async function signIn(page: Page, user: Pick<TestUser, "email" | "password">) {
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled(); // hydrated
  await page.getByRole("textbox", { name: "Email" }).fill(user.email);
  await page.getByRole("textbox", { name: "Password" }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
