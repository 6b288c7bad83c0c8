import { expect, test } from "@playwright/test";
import { newUser, signIn, signUp } from "./fixtures";

test("anonymous visitors are sent to sign in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("sign up, sign out, sign in again, see Your boards", async ({ page }) => {
  const user = newUser("Grace Hopper");
  await signUp(page, user);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("Grace Hopper")).toBeVisible();
  await expect(page.getByText("No boards yet.")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);

  await signIn(page, user);
  await expect(page.getByRole("heading", { name: "Your boards" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Your boards" })).toBeVisible();
});

test("a wrong password is explained and keeps the user signed out", async ({ page }) => {
  const user = newUser();
  await signUp(page, user);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await signIn(page, { email: user.email, password: "not the password" });
  // Next.js keeps its own (empty) route announcer with role "alert", so match the message.
  await expect(
    page.getByRole("alert").filter({ hasText: /invalid email or password/i }),
  ).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("signing up with a taken email is explained", async ({ page, browser, baseURL }) => {
  const user = newUser();
  await signUp(page, user);

  const context = await browser.newContext({ baseURL });
  const other = await context.newPage();
  await other.goto("/sign-up");
  await expect(other.getByRole("button", { name: "Sign up" })).toBeEnabled(); // hydrated
  await other.getByRole("textbox", { name: "Name" }).fill("Someone Else");
  await other.getByRole("textbox", { name: "Email" }).fill(user.email);
  await other.getByRole("textbox", { name: "Password" }).fill("another password");
  await other.getByRole("button", { name: "Sign up" }).click();
  await expect(other.getByRole("alert").filter({ hasText: /already exists/i })).toBeVisible();
  await expect(other).toHaveURL(/\/sign-up$/);
  await context.close();
});
