/** Placeholder while this page is built (replaced by its own implementation). */
export function ReplayPage() {
  return (
    <section>
      <h1>Replay</h1>
    </section>
  );
}
