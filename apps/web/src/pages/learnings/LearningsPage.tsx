/** Placeholder while this page is built (replaced by its own implementation). */
export function LearningsPage() {
  return (
    <section>
      <h1>Learnings</h1>
    </section>
  );
}
