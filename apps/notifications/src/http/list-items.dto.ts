import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The item schemas of notifications' lists, for OpenAPI. */

export class DeliveryItemDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'key-result-at-risk' }) rule!: string;
  @ApiProperty({ description: 'A user id or webhook:{id}' }) recipient!: string;
  @ApiProperty({ example: 'in-app' }) channel!: string;
  @ApiProperty({ example: 'delivered' }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty() subject!: string;
  @ApiProperty() body!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) triggeredBy?: unknown;
  @ApiPropertyOptional() objectiveId?: string;
  @ApiPropertyOptional() keyResultId?: string;
  @ApiPropertyOptional() teamId?: string;
  @ApiPropertyOptional() webhookId?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) nextAttemptAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) deliveredAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) failedAt?: string;
  @ApiPropertyOptional() lastError?: string;
  @ApiPropertyOptional() digestId?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'A digest’s entries' }) items?: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Every attempt' }) history!: unknown[];
}

export class InboxItemDto {
  @ApiProperty() id!: string;
  @ApiProperty() rule!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() body!: string;
  @ApiPropertyOptional() objectiveId?: string;
  @ApiPropertyOptional() keyResultId?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class FollowItemDto {
  @ApiProperty({ enum: ['objective', 'team'] }) kind!: string;
  @ApiProperty() targetId!: string;
  @ApiProperty({ format: 'date-time' }) since!: string;
}

export class WebhookItemDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Masked for chat formats (the URL is the secret)' }) url!: string;
  @ApiProperty({ example: 'json' }) format!: string;
  @ApiProperty({ type: [String] }) teams!: string[];
  @ApiProperty({ type: [String] }) rules!: string[];
  @ApiPropertyOptional() description?: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) secretRotatedAt?: string;
}
