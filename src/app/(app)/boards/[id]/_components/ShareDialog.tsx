"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/trpc/react";
import { Modal } from "./Modal";

type Message = { ok: boolean; text: string };

/** Owner only: invite an existing account as editor or viewer; change roles; remove members. */
export function ShareDialog({ boardId }: { boardId: string }) {
  const [open, setOpen] = useState(false);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"editor" | "viewer">("editor");
  const [message, setMessage] = useState<Message | null>(null);
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
        onClick={() => {
          setMessage(null);
          setOpen(true);
        }}
      >
        Share
      </button>
      {open && (
        <Modal title="Share this board" onClose={() => setOpen(false)}>
          <form
            className="dialog-form"
            onSubmit={(event) => {
              event.preventDefault();
              setMessage(null);
              invite.mutate({ boardId, email: email.trim(), role });
            }}
          >
            <label className="field">
              <span>Email</span>
              <input
                type="email"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                required
              />
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
            <MemberList boardId={boardId} onMessage={setMessage} />
            <div className="dialog-actions">
              <button type="submit" className="button primary" disabled={invite.isPending}>
                Invite
              </button>
            </div>
          </form>
        </Modal>
      )}
    </>
  );
}

/** Everyone on the board: owners as they are, others with a role select and a remove button. */
function MemberList({
  boardId,
  onMessage,
}: {
  boardId: string;
  onMessage: (message: Message) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.board.members.queryOptions({ boardId }));
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.board.members.queryKey({ boardId }) });
  const setRole = useMutation(
    trpc.board.setRole.mutationOptions({
      onSuccess: () => void refresh(),
      onError: (error) => onMessage({ ok: false, text: error.message }),
    }),
  );
  const remove = useMutation(
    trpc.board.removeMember.mutationOptions({
      onSuccess: () => void refresh(),
      onError: (error) => onMessage({ ok: false, text: error.message }),
    }),
  );
  if (!members.data) return null;
  return (
    <section aria-labelledby="members-title">
      <h3 id="members-title">People with access</h3>
      <ul className="member-list">
        {members.data.map((member) => (
          <li key={member.userId} className="member-row">
            <span>
              {member.name} <span className="muted">{member.email}</span>
            </span>
            {member.role === "owner" ? (
              <span className="muted">Owner</span>
            ) : (
              <span className="member-actions">
                <select
                  aria-label={`Role of ${member.name}`}
                  value={member.role}
                  disabled={setRole.isPending}
                  onChange={(event) =>
                    setRole.mutate({
                      boardId,
                      userId: member.userId,
                      role: event.target.value as "editor" | "viewer",
                    })
                  }
                >
                  <option value="editor">Editor</option>
                  <option value="viewer">Viewer</option>
                </select>
                <button
                  type="button"
                  className="button secondary"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate({ boardId, userId: member.userId })}
                >
                  Remove {member.name}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
