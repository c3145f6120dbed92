/** Placeholder while this page is built (replaced by its own implementation). */
export function NotificationsPage() {
  return (
    <section>
      <h1>Notifications</h1>
    </section>
  );
}
