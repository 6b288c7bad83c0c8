"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";

/** Owner only: invite an existing account as editor or viewer. */
export function ShareDialog({ boardId }: { boardId: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"editor" | "viewer">("editor");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const invite = useMutation(
    trpc.board.invite.mutationOptions({
      onSuccess: () => {
        setMessage({ ok: true, text: `Invited ${email} as ${role}.` });
        setEmail("");
        void queryClient.invalidateQueries({ queryKey: trpc.board.members.queryKey({ boardId }) });
      },
      onError: (error) => setMessage({ ok: false, text: error.message }),
    }),
  );

  return (
    <>
      <button
        type="button"
        className="button secondary"
        onClick={() => dialog.current?.showModal()}
      >
        Share
      </button>
      <dialog ref={dialog} className="card dialog" aria-labelledby="share-title">
        <form
          method="dialog"
          className="dialog-form"
          onSubmit={(event) => {
            event.preventDefault();
            setMessage(null);
            invite.mutate({ boardId, email: email.trim(), role });
          }}
        >
          <h2 id="share-title">Share this board</h2>
          <label className="field">
            <span>Email</span>
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <fieldset className="roles">
            <legend>Role</legend>
            <label>
              <input
                type="radio"
                name="role"
                checked={role === "editor"}
                onChange={() => setRole("editor")}
              />{" "}
              Editor
            </label>
            <label>
              <input
                type="radio"
                name="role"
                checked={role === "viewer"}
                onChange={() => setRole("viewer")}
              />{" "}
              Viewer
            </label>
          </fieldset>
          {message && (
            <p role={message.ok ? "status" : "alert"} className={message.ok ? "muted" : "error"}>
              {message.text}
            </p>
          )}
          <div className="dialog-actions">
            <button
              type="button"
              className="button secondary"
              onClick={() => dialog.current?.close()}
            >
              Close
            </button>
            <button type="submit" className="button primary" disabled={invite.isPending}>
              Invite
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
