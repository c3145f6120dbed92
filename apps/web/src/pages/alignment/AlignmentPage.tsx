/** Placeholder while this page is built (replaced by its own implementation). */
export function AlignmentPage() {
  return (
    <section>
      <h1>Alignment</h1>
    </section>
  );
}
