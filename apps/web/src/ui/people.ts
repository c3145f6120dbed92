/**
 * People for people. The services know a person by their user name (embedded sign-in) or by their
 * identity provider's subject, which many providers make a UUID: a reader is told the person is unnamed
 * rather than shown the id.
 */

const ID_LIKE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Whether a person's or an actor's id reads as an id (a UUID) rather than a name. */
export const isIdLike = (id: string): boolean => ID_LIKE.test(id);

/** A person's name as the services know it, or "an unnamed person" for an id; `nobody` when there is none. */
export function personName(id: string | null | undefined, nobody = '—'): string {
  if (!id) return nobody;
  return isIdLike(id) ? 'an unnamed person' : id;
}
