import { BoardList } from "./_components/BoardList";

export default function HomePage() {
  return (
    <section aria-labelledby="boards-heading">
      <h1 id="boards-heading">Your boards</h1>
      <BoardList />
    </section>
  );
}
