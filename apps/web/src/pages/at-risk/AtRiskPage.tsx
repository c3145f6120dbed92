/** Placeholder while this page is built (replaced by its own implementation). */
export function AtRiskPage() {
  return (
    <section>
      <h1>At risk</h1>
    </section>
  );
}
