"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import { useHydrated } from "@/hooks/useHydrated";
import { authClient } from "@/lib/auth-client";

type Mode = "sign-in" | "sign-up";

const copy = {
  "sign-in": {
    title: "Sign in to Rewind",
    submit: "Sign in",
    other: { text: "New here?", link: "Create an account", href: "/sign-up" },
  },
  "sign-up": {
    title: "Create your Rewind account",
    submit: "Sign up",
    other: { text: "Already have an account?", link: "Sign in", href: "/sign-in" },
  },
} as const;

/** Email + password form for signing in or up; errors from the server are shown as they come. */
export function AuthForm({ mode }: { mode: Mode }) {
  const params = useSearchParams();
  // Only a path on this site: never an open redirect to another origin.
  const next = params.get("next");
  const destination = next?.startsWith("/") && !next.startsWith("//") ? next : "/";
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();
  const text = copy[mode];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const result =
      mode === "sign-up"
        ? await authClient.signUp.email({
            name: String(form.get("name") ?? "").trim(),
            email,
            password,
          })
        : await authClient.signIn.email({ email, password });
    if (result.error) {
      setError(result.error.message ?? "Something went wrong. Please try again.");
      setPending(false);
      return;
    }
    // A full page load, so the page's WebSocket opens signed in (a socket is authenticated once,
    // when it opens, from the session cookie).
    window.location.replace(destination);
  }

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={onSubmit} noValidate={false}>
        <h1>{text.title}</h1>
        {mode === "sign-up" && (
          <label className="field">
            <span>Name</span>
            <input name="name" autoComplete="name" required maxLength={100} />
          </label>
        )}
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="email" required maxLength={254} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
            required
            minLength={mode === "sign-up" ? 8 : undefined}
            maxLength={128}
          />
        </label>
        {mode === "sign-up" && <p className="hint">At least 8 characters.</p>}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="button primary" disabled={!hydrated || pending}>
          {text.submit}
        </button>
        <p className="muted">
          {text.other.text} <Link href={text.other.href}>{text.other.link}</Link>
        </p>
      </form>
    </main>
  );
}
