import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { NOTIFICATION_RULES } from '@okr/okr-domain';
import { ListQueryDto, Omittable } from '@okr/platform';
import { CHANNELS, CHAT_FORMATS, DELIVERY_STATUSES, FOLLOW_KINDS, WEBHOOK_FORMATS } from '../store/notifications.store';
import type { ChatFormat, FollowKind, WebhookFormat } from '../store/notifications.store';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const httpUrl = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** An IANA time zone the runtime knows (`Europe/Paris`, `America/New_York`, `UTC`). */
@ValidatorConstraint({ name: 'isTimeZone' })
export class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'timeZone must be an IANA time zone such as Europe/Paris';
  }
}

export class FollowDto {
  @ApiProperty({ enum: FOLLOW_KINDS, enumName: 'FollowKind' }) @IsIn(FOLLOW_KINDS, { message: `kind must be one of: ${FOLLOW_KINDS.join(', ')}` }) kind!: FollowKind;
  @ApiProperty({ description: 'The objective id or team id' })
  @IsString()
  @Matches(ID, { message: 'targetId must be an id (letters, digits, . _ : -)' })
  targetId!: string;
}

export class QuietHoursDto {
  @ApiProperty({ example: '22:00' }) @Matches(HH_MM, { message: 'start must be HH:MM' }) start!: string;
  @ApiProperty({ example: '07:00' }) @Matches(HH_MM, { message: 'end must be HH:MM' }) end!: string;
}

export class ChatChannelDto {
  @ApiProperty({ description: 'A Slack or Teams incoming-webhook URL (kept secret: never returned whole)' })
  @IsUrl({ ...httpUrl, protocols: ['https', 'http'] }, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url!: string;
  @ApiProperty({ enum: CHAT_FORMATS, enumName: 'ChatFormat' }) @IsIn(CHAT_FORMATS, { message: `format must be one of: ${CHAT_FORMATS.join(', ')}` }) format!: ChatFormat;
}

/** The whole of a person's preferences (PUT replaces them). */
export class PreferencesDto {
  @ApiPropertyOptional({ example: 'Europe/Paris', default: 'UTC' }) @IsOptional() @Validate(IsTimeZone) timeZone?: string;
  @ApiPropertyOptional({ enum: NOTIFICATION_RULES, enumName: 'NotificationRule', isArray: true })
  @IsOptional()
  @ArrayMaxSize(NOTIFICATION_RULES.length)
  @ArrayUnique()
  @IsIn(NOTIFICATION_RULES, { each: true, message: `each of mutedRules must be one of: ${NOTIFICATION_RULES.join(', ')}` })
  mutedRules?: string[];
  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true })
  @IsOptional()
  @IsObject({ message: 'quietHours must be an object {start, end} or null' })
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;
  @ApiPropertyOptional({ default: false, description: 'One daily digest instead of single email / chat messages' })
  @IsOptional()
  @IsBoolean()
  digest?: boolean;
  @ApiPropertyOptional({ example: '09:00', default: '09:00' }) @IsOptional() @Matches(HH_MM, { message: 'digestAt must be HH:MM' }) digestAt?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(320) email?: string | null;
  @ApiPropertyOptional({ type: ChatChannelDto, nullable: true })
  @IsOptional()
  @IsObject({ message: 'chat must be an object {url, format} or null' })
  @ValidateNested()
  @Type(() => ChatChannelDto)
  chat?: ChatChannelDto | null;
}

export class RegisterWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/okr' })
  @IsUrl(httpUrl, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url!: string;
  @ApiPropertyOptional({ enum: WEBHOOK_FORMATS, enumName: 'WebhookFormat', default: 'json', description: 'json: signed JSON; slack / teams: incoming-webhook messages' })
  @IsOptional()
  @IsIn(WEBHOOK_FORMATS, { message: `format must be one of: ${WEBHOOK_FORMATS.join(', ')}` })
  format?: WebhookFormat;
  @ApiPropertyOptional({ type: [String], description: 'Only these teams (default: all)' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(ID, { each: true, message: 'each of teams must be a team id' })
  teams?: string[];
  @ApiPropertyOptional({ enum: NOTIFICATION_RULES, enumName: 'NotificationRule', isArray: true, description: 'Only these rules (default: all)' })
  @IsOptional()
  @ArrayMaxSize(NOTIFICATION_RULES.length)
  @ArrayUnique()
  @IsIn(NOTIFICATION_RULES, { each: true, message: `each of rules must be one of: ${NOTIFICATION_RULES.join(', ')}` })
  rules?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;
}

export class SmtpSettingsDto {
  @ApiProperty({ example: 'smtp.example.com' })
  @IsString()
  @Matches(/^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[?[0-9A-Fa-f:.]+\]?)$/, { message: 'host must be a host name or an IP address' })
  @MaxLength(255)
  host!: string;
  @ApiProperty({ example: 587 }) @IsInt({ message: 'port must be a whole number' }) @Min(1) @Max(65535) port!: number;
  @ApiPropertyOptional({ default: false, description: 'TLS from the start (465); false = STARTTLS when offered' })
  @Omittable()
  @IsBoolean()
  secure?: boolean;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(255) username?: string;
  @ApiPropertyOptional({ description: 'Never returned' }) @Omittable() @IsString() @MaxLength(1000) password?: string;
  @ApiProperty({ example: 'OKR <okr@example.com>' }) @IsString() @IsNotEmpty() @MaxLength(320) from!: string;
}

export class ListDeliveriesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' }) @IsOptional() @IsIn(DELIVERY_STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) rule?: string;
  @ApiPropertyOptional({ enum: CHANNELS, enumName: 'DeliveryChannel' }) @IsOptional() @IsIn(CHANNELS) channel?: string;
  @ApiPropertyOptional({ description: 'A user id or webhook:{id} (admins; others only see their own)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  recipient?: string;
}

export class RunRemindersDto {
  @ApiPropertyOptional({ description: 'Evaluate as of this instant (a test clock for demos); default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 instant' })
  at?: string;
}
