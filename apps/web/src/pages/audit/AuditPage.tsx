/** Placeholder while this page is built (replaced by its own implementation). */
export function AuditPage() {
  return (
    <section>
      <h1>Audit</h1>
    </section>
  );
}
