"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useHydrated } from "@/hooks/useHydrated";
import { useTRPC } from "@/trpc/react";

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

function lastChange(date: Date): string {
  const minutes = Math.round((date.getTime() - Date.now()) / 60_000);
  if (Math.abs(minutes) < 1) return "just now";
  if (Math.abs(minutes) < 60) return relative.format(minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return relative.format(hours, "hour");
  return date.toLocaleDateString();
}

export function BoardList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const boards = useQuery(trpc.board.list.queryOptions());
  const [title, setTitle] = useState("");
  const hydrated = useHydrated();
  const create = useMutation(
    trpc.board.create.mutationOptions({
      onSuccess: () => {
        setTitle("");
        void queryClient.invalidateQueries({ queryKey: trpc.board.list.queryKey() });
      },
    }),
  );

  return (
    <>
      <form
        className="create-board"
        onSubmit={(event) => {
          event.preventDefault();
          if (title.trim()) create.mutate({ title: title.trim() });
        }}
      >
        <label className="field">
          <span>Board title</span>
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            maxLength={200}
            required
          />
        </label>
        <button type="submit" className="button primary" disabled={!hydrated || create.isPending}>
          Create board
        </button>
      </form>
      {create.error && (
        <p role="alert" className="error">
          {create.error.message}
        </p>
      )}
      {boards.isPending ? (
        <p className="muted">Loading your boards…</p>
      ) : boards.isError ? (
        <p role="alert">Could not load your boards: {boards.error.message}</p>
      ) : boards.data.length === 0 ? (
        <p className="muted">No boards yet.</p>
      ) : (
        <ul className="board-list">
          {boards.data.map((board) => (
            <li key={board.id}>
              <Link href={`/boards/${board.id}`} className="board-title">
                {board.title}
              </Link>
              <span className="muted">
                {board.role} ·{" "}
                {board.version === 0 ? "no changes yet" : `changed ${lastChange(board.updatedAt)}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
