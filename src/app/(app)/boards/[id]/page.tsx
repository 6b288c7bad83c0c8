import { headers } from "next/headers";
import { getSession } from "@/server/auth/pages";
import { BoardTRPCProvider } from "@/trpc/react";
import { BoardView } from "./_components/BoardView";

export default async function BoardPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // The signed-in layout has already sent anonymous visitors to sign in.
  const session = await getSession(await headers());
  return (
    <BoardTRPCProvider boardId={id}>
      <BoardView boardId={id} userId={session?.user.id ?? ""} />
    </BoardTRPCProvider>
  );
}
