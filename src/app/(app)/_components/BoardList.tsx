"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";

export function BoardList() {
  const trpc = useTRPC();
  const boards = useQuery(trpc.board.list.queryOptions());

  if (boards.isPending) return <p className="muted">Loading your boards…</p>;
  if (boards.isError) {
    return <p role="alert">Could not load your boards: {boards.error.message}</p>;
  }
  if (boards.data.length === 0) {
    return <p className="muted">No boards yet.</p>;
  }
  return (
    <ul className="board-list">
      {boards.data.map((board) => (
        <li key={board.id}>
          <span className="board-title">{board.title}</span>
          <span className="muted">
            {board.role} · updated {board.updatedAt.toLocaleString()}
          </span>
        </li>
      ))}
    </ul>
  );
}
