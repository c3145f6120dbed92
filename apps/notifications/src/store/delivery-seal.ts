import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, ProtectedEventStore, openSealedValues, type EventStore, type PersonalDataProtection } from '@okr/event-store';
import { ERASED_PERSON, personalValuesOf } from '@okr/okr-domain';
import type { DeliveryDoc } from './notifications.store';

/** Why a delivery is not sent: someone whose data it holds was erased. */
export const PERSONAL_DATA_ERASED = 'personal-data-erased';

/** Matches no document: no key id has this form. */
const NO_ONE = 'no-one';

/** Every person whose data an (opened) event holds: whose words or name a notification of it can quote. */
export const peopleOf = (event: { type: string; data: unknown; metadata: unknown }): string[] => [
  ...new Set(personalValuesOf(event).flatMap(({ subjects }) => subjects.filter((subject) => subject !== ERASED_PERSON))),
];

/**
 * How the delivery log keeps personal data, as the events do: a person recipient sealed under their
 * own key and found by the id of that key (`recipientKeyId`, which names no one); the texts (subject,
 * body, a digest's entries) sealed under the recipient's key and the key of every person whose data
 * the triggering event holds (`textKeyIds`), so that erasing any one of them makes them unreadable;
 * an attempt's error under the recipient's key (an SMTP answer can quote the address). Opened when read
 * or sent: an erasure reaches the log with no rewrite, and an erased person reads "erased person".
 * Without a key store (personal data not protected) everything stays plain, found by the user id.
 */
@Injectable()
export class DeliverySeal {
  private readonly protection: PersonalDataProtection | undefined;

  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {
    this.protection = events instanceof ProtectedEventStore ? events.protection : undefined;
  }

  /** The key id of each person (created on first use); empty without a key store. */
  async keyIdsOf(tenantId: string, people: Iterable<string>): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    if (!this.protection) return ids;
    for (const person of new Set(people)) {
      if (person !== ERASED_PERSON) ids.set(person, (await this.protection.keys.keyFor(tenantId, person)).keyId);
    }
    return ids;
  }

  /** The filter of a person's deliveries: by the id of their key, so an erased person matches nothing. */
  async recipientFilter(tenantId: string, userId: string): Promise<Record<string, unknown>> {
    if (!this.protection) return { recipient: userId };
    return { recipientKeyId: (await this.protection.keys.keyIdOf(tenantId, userId)) ?? NO_ONE };
  }

  /** Whether `userId` is the recipient of a stored delivery. */
  async isRecipient(tenantId: string, userId: string, delivery: DeliveryDoc): Promise<boolean> {
    if (!delivery.recipientKeyId) return delivery.recipient === userId;
    return (await this.protection?.keys.keyIdOf(tenantId, userId)) === delivery.recipientKeyId;
  }

  /**
   * A planned delivery (plain) as it is stored: its person recipient and its texts sealed. `textKeyIds`:
   * the keys of the people its texts quote besides the recipient's ({@link keyIdsOf}).
   */
  async seal(delivery: DeliveryDoc, textKeyIds: readonly string[]): Promise<DeliveryDoc> {
    const protection = this.protection;
    if (!protection) return delivery;
    const own = delivery.recipientKeyId ? [delivery.recipientKeyId] : [];
    const keys = [...new Set([...own, ...textKeyIds])];
    const text = (value: string) => protection.sealUnder(value, keys);
    return {
      ...delivery,
      recipient: await protection.sealUnder(delivery.recipient, own),
      subject: await text(delivery.subject),
      body: await text(delivery.body),
      items: delivery.items ? await Promise.all(delivery.items.map(async (item) => ({ rule: item.rule, subject: await text(item.subject), body: await text(item.body) }))) : null,
      textKeyIds: keys,
    };
  }

  /**
   * A person's own value (their email address) as stored: sealed under their key (created on first
   * use), so erasing them makes it unreadable; plain without a key store.
   */
  async sealOwn(tenantId: string, userId: string, value: string): Promise<string> {
    if (!this.protection) return value;
    return this.protection.sealUnder(value, [(await this.protection.keys.keyFor(tenantId, userId)).keyId]);
  }

  /** An attempt's error as stored: under the recipient's key when the recipient is a person. */
  sealError(delivery: DeliveryDoc, error: string): Promise<string> {
    if (!this.protection || !delivery.recipientKeyId) return Promise.resolve(error);
    return this.protection.sealUnder(error, [delivery.recipientKeyId]);
  }

  /** Stored deliveries (or one) opened; what an erased person's key sealed reads "erased person". */
  open<T>(value: T): Promise<T> {
    return openSealedValues(this.events, value);
  }
}

/** Whether opening a stored delivery met an erased person: its recipient or a text no longer opens. */
export function erasedIn(stored: DeliveryDoc, opened: DeliveryDoc): boolean {
  const lost = (was: string, now: string) => now === ERASED_PERSON && was !== ERASED_PERSON;
  return (
    lost(stored.recipient, opened.recipient) ||
    lost(stored.subject, opened.subject) ||
    lost(stored.body, opened.body) ||
    (stored.items ?? []).some((item, i) => lost(item.subject, opened.items?.[i]?.subject ?? '') || lost(item.body, opened.items?.[i]?.body ?? ''))
  );
}
