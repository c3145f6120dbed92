import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_ERASURE_REASON_LENGTH } from '@okr/okr-domain';

/** Why a person's personal data is erased (kept with the erasure, sealed under the admin's own key). */
export class ErasePersonDto {
  @ApiProperty({ example: 'Asked to be forgotten after leaving the company', maxLength: MAX_ERASURE_REASON_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_ERASURE_REASON_LENGTH)
  reason!: string;
}

/** The erasure, as recorded: it names no one. */
export class PersonErasedDto {
  @ApiProperty({ description: 'The erasure record (`PersonalDataErased` in the tenant’s erasure stream)' }) erasureId!: string;
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' }) erasedAt!: string;
}
