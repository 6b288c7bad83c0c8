"use client";

import { usePresence } from "@/hooks/usePresence";
import { initials } from "@/lib/people";

/** Who has the board open right now. */
export function PresenceBar({ boardId, userId }: { boardId: string; userId: string }) {
  const users = usePresence(boardId);
  const others = users.filter((user) => user.id !== userId);
  return (
    <ul className="presence" aria-label="On this board now">
      {others.map((user) => (
        <li key={user.id} className="avatar" title={user.name}>
          <span aria-hidden="true">{initials(user.name)}</span>
          <span className="visually-hidden">{user.name}</span>
        </li>
      ))}
    </ul>
  );
}
