"use client";

import { useState } from "react";
import { authClient } from "@/lib/auth-client";

export function SignOutButton() {
  const [pending, setPending] = useState(false);

  async function signOut() {
    setPending(true);
    await authClient.signOut();
    // A full page load: the page's WebSocket was authenticated as this user when it opened.
    window.location.replace("/sign-in");
  }

  return (
    <button type="button" className="button secondary" onClick={signOut} disabled={pending}>
      Sign out
    </button>
  );
}
