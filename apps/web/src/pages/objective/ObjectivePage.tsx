/** Placeholder while this page is built (replaced by its own implementation). */
export function ObjectivePage() {
  return (
    <section>
      <h1>Objective</h1>
    </section>
  );
}
