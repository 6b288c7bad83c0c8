import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getSession } from "@/server/auth/pages";

/** Signed-in users have nothing to do on the sign-in and sign-up pages. */
export default async function AuthLayout({ children }: { children: ReactNode }) {
  if (await getSession(await headers())) redirect("/");
  return children;
}
