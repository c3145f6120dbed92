/** Placeholder while this page is built (replaced by its own implementation). */
export function TeamPage() {
  return (
    <section>
      <h1>My team</h1>
    </section>
  );
}
