"use client";

import { useState } from "react";
import { useHydrated } from "@/hooks/useHydrated";
import { authClient } from "@/lib/auth-client";
import { forgetDevice } from "@/lib/device/idb-device";

export function SignOutButton({ userId }: { userId: string }) {
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function signOut() {
    setPending(true);
    await authClient.signOut();
    // Nothing of this person stays on the device: their boards and unsent edits go.
    await forgetDevice(userId);
    // A full page load: the page's WebSocket was authenticated as this user when it opened.
    window.location.replace("/sign-in");
  }

  return (
    <button
      type="button"
      className="button secondary"
      onClick={signOut}
      disabled={!hydrated || pending}
    >
      Sign out
    </button>
  );
}
