import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_RULES } from '@okr/okr-domain';
import { CHANNELS, CHAT_FORMATS, DELIVERY_STATUSES, FOLLOW_KINDS, WEBHOOK_FORMATS } from '../store/notifications.store';
import type { Channel, ChatFormat, DeliveryStatus, FollowKind, WebhookFormat } from '../store/notifications.store';

/** What the notifications API answers, for OpenAPI: each class is exactly the object its route returns. */

/** The rules of the platform, plus a digest (many in one) and a webhook's test. */
const DELIVERY_RULES = [...NOTIFICATION_RULES, 'digest', 'test'];
const RULE = { enum: DELIVERY_RULES, enumName: 'DeliveryRule', example: 'at-risk' } as const;
const AT = { format: 'date-time' } as const;
const NULLABLE_AT = { format: 'date-time', type: String, nullable: true } as const;

export class DeliveryAttemptDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) attempt!: number;
  @ApiProperty(AT) at!: string;
  @ApiProperty({ enum: ['delivered', 'retry', 'reject'], description: 'retry: tried again later; reject: given up' }) outcome!: 'delivered' | 'retry' | 'reject';
  @ApiPropertyOptional({ type: 'integer', example: 503, description: "The receiver's HTTP status, when it answered" }) statusCode?: number;
  @ApiPropertyOptional() error?: string;
}

export class DigestEntryDto {
  @ApiProperty({ enum: NOTIFICATION_RULES, enumName: 'NotificationRule' }) rule!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() body!: string;
}

/** One delivery: what was sent to whom, why, on which channel, its status and every attempt. */
export class DeliveryItemDto {
  @ApiProperty({ format: 'uuid', description: 'Stable across retries (X-Okr-Delivery)' }) id!: string;
  @ApiProperty(RULE) rule!: string;
  @ApiProperty({ example: 'alice', description: 'A user id ("erased person" once the person is erased) or webhook:{id}' }) recipient!: string;
  @ApiProperty({ enum: CHANNELS, enumName: 'DeliveryChannel' }) channel!: Channel;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' }) status!: DeliveryStatus;
  @ApiProperty({ type: 'integer', minimum: 0 }) attempts!: number;
  @ApiProperty({ type: String, nullable: true, example: 'quiet hours', description: 'Why the status is what it is, when it is not plain (personal-data-erased: not sent, someone it names or quotes was erased)' }) reason!: string | null;
  @ApiProperty({ description: 'Reads "erased person" once the recipient or anyone whose words it quotes is erased, as does the body' }) subject!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ description: 'The id of what triggered it (an event, a reminder period, a test)' }) triggeredBy!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) objectiveId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) keyResultId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'growth' }) teamId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Set for a webhook or chat channel of the tenant' }) webhookId!: string | null;
  @ApiProperty(AT) createdAt!: string;
  @ApiProperty({ ...NULLABLE_AT, description: 'When the next attempt is due (pending only)' }) nextAttemptAt!: string | null;
  @ApiProperty(NULLABLE_AT) deliveredAt!: string | null;
  @ApiProperty(NULLABLE_AT) failedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The id of the digest delivery it went out in (digested only)' }) digestId!: string | null;
  @ApiPropertyOptional({ type: [DigestEntryDto], description: 'A digest’s entries (digests only)' }) items?: DigestEntryDto[];
  @ApiProperty({ type: [DeliveryAttemptDto], description: 'Every attempt, oldest first' }) history!: DeliveryAttemptDto[];
}

/** An in-app notification of the caller. */
export class InboxItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty(RULE) rule!: string;
  @ApiProperty({ example: 'Week-1 activation is at risk' }) subject!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) objectiveId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) keyResultId!: string | null;
  @ApiProperty(AT) createdAt!: string;
}

export class FollowItemDto {
  @ApiProperty({ enum: FOLLOW_KINDS, enumName: 'FollowKind' }) kind!: FollowKind;
  @ApiProperty({ description: 'The objective id or team id' }) targetId!: string;
  @ApiProperty({ ...AT, description: 'Followed since' }) since!: string;
}

/** A webhook of the tenant, never with its signing secret. */
export class WebhookItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'https://hooks.example.com/okr', description: 'Masked (scheme and host) for chat formats: their URL is a secret' }) url!: string;
  @ApiProperty({ enum: WEBHOOK_FORMATS, enumName: 'WebhookFormat' }) format!: WebhookFormat;
  @ApiProperty({ type: [String], description: 'Only these teams; empty = every team' }) teams!: string[];
  @ApiProperty({ enum: NOTIFICATION_RULES, enumName: 'NotificationRule', isArray: true, description: 'Only these rules; empty = every rule' }) rules!: string[];
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ example: 'alice' }) createdBy!: string;
  @ApiProperty(AT) createdAt!: string;
  @ApiProperty(NULLABLE_AT) secretRotatedAt!: string | null;
}

/** A webhook just registered, with its signing secret: shown this once, never kept for replays. */
export class WebhookRegisteredDto extends WebhookItemDto {
  @ApiProperty({ example: 'whsec_…', description: 'HMAC key of X-Okr-Signature, shown this once' }) secret!: string;
}

/** The new signing secret of a webhook, shown this once. */
export class WebhookSecretRotatedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'whsec_…' }) secret!: string;
  @ApiProperty(AT) secretRotatedAt!: string;
}

export class WebhookTestSentDto {
  @ApiProperty({ format: 'uuid', description: 'Follow it at /api/v1/deliveries/{deliveryId}' }) deliveryId!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus', example: 'pending' }) status!: DeliveryStatus;
}

/** The tenant's SMTP server, never with its password. */
export class SmtpSettingsViewDto {
  @ApiProperty({ example: 'smtp.example.com' }) host!: string;
  @ApiProperty({ type: 'integer', example: 587 }) port!: number;
  @ApiProperty({ description: 'TLS from the start (465); false = STARTTLS when offered' }) secure!: boolean;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty({ description: 'Whether a password is stored (it is never returned)' }) passwordSet!: boolean;
  @ApiProperty({ example: 'OKR <okr@example.com>' }) from!: string;
  @ApiProperty(AT) updatedAt!: string;
  @ApiProperty({ example: 'alice' }) updatedBy!: string;
}

export class QuietHoursViewDto {
  @ApiProperty({ example: '22:00' }) start!: string;
  @ApiProperty({ example: '07:00' }) end!: string;
}

export class ChatChannelViewDto {
  @ApiProperty({ enum: CHAT_FORMATS, enumName: 'ChatFormat' }) format!: ChatFormat;
  @ApiProperty({ example: 'https://hooks.slack.com/…', description: 'Scheme and host only: the URL is a secret' }) url!: string;
}

/** A person's notification preferences (the defaults when never set). */
export class PreferencesViewDto {
  @ApiProperty({ example: 'alice' }) userId!: string;
  @ApiProperty({ example: 'Europe/Paris', description: 'IANA time zone of quiet hours and the digest' }) timeZone!: string;
  @ApiProperty({ enum: NOTIFICATION_RULES, enumName: 'NotificationRule', isArray: true }) mutedRules!: string[];
  @ApiProperty({ type: QuietHoursViewDto, nullable: true, description: 'Local times: email and chat planned between them wait for the end (in-app is delivered at once)' }) quietHours!: QuietHoursViewDto | null;
  @ApiProperty({ description: 'One daily digest instead of single email / chat messages' }) digest!: boolean;
  @ApiProperty({ example: '09:00', description: 'Local time of the daily digest' }) digestAt!: string;
  @ApiProperty({ type: String, format: 'email', nullable: true }) email!: string | null;
  @ApiProperty({ type: ChatChannelViewDto, nullable: true }) chat!: ChatChannelViewDto | null;
  @ApiProperty({ ...AT, description: 'The epoch when never set' }) updatedAt!: string;
}

export class ReminderRunDto {
  @ApiProperty({ ...AT, description: 'The instant evaluated' }) at!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Reminders the rule called for (one per missed period per key result)' }) reminders!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Deliveries recorded now; a period already reminded records nothing' }) recorded!: number;
}

export class DigestRunDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Digest deliveries recorded' }) digests!: number;
}
