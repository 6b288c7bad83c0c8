import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/SignOutButton";
import { getSession } from "@/server/auth/pages";

/** Every page in this group needs a signed-in user; anonymous visitors go to sign in. */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const session = await getSession(await headers());
  if (!session) redirect("/sign-in");

  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand">
          Rewind
        </Link>
        <div className="topbar-user">
          <span className="user-name" title={session.user.email}>
            {session.user.name}
          </span>
          <SignOutButton userId={session.user.id} />
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
