import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { KeyResultAtRisk, KeyResultBackOnTrack, KeyResultRiskReason } from '@okr/okr-domain';

type AtRiskData = KeyResultAtRisk['data'];
type BackOnTrackData = KeyResultBackOnTrack['data'];
import { AT_RISK_CODES } from '../read-models/read-models.dto';
import type { KeyResultRisk, RiskHistoryEntry } from './risk.queries';

export class RiskReasonDto implements KeyResultRiskReason {
  @ApiProperty({ enum: AT_RISK_CODES, example: 'low-confidence', description: 'Stable, for programs' }) code!: string;
  @ApiProperty({ example: 'Confidence is 3/10, below the threshold of 5/10.', description: 'In words, for people' }) message!: string;
}

/** Who and what the key result belongs to, as every risk event carries it. */
class RiskSubjectDto {
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty({ example: 'growth' }) teamId!: string;
  @ApiProperty({ description: "The objective's owner (the token subject)" }) objectiveOwnerId!: string;
  @ApiPropertyOptional({ description: "The key result's own owner, when it has one" }) keyResultOwnerId?: string;
  @ApiProperty({ format: 'date-time', description: 'When it was assessed' }) assessedAt!: string;
}

/** The data of `KeyResultAtRisk`: it became at risk, or its reasons changed while at risk. */
export class KeyResultAtRiskDataDto extends RiskSubjectDto implements AtRiskData {
  @ApiProperty({ type: [RiskReasonDto], description: 'Every reason it is at risk now, at least one' }) reasons!: RiskReasonDto[];
  @ApiProperty({ type: [String], description: 'The codes that were not reasons before (all of them when it just became at risk)' }) addedReasons!: string[];
}

/** The data of `KeyResultBackOnTrack`. */
export class KeyResultBackOnTrackDataDto extends RiskSubjectDto implements BackOnTrackData {
  @ApiProperty({ type: [String], description: 'The codes it was at risk for' }) previousReasons!: string[];
}

/** One risk event of the key result. */
@ApiExtraModels(KeyResultAtRiskDataDto, KeyResultBackOnTrackDataDto)
export class RiskHistoryEntryDto implements RiskHistoryEntry {
  @ApiProperty({ enum: ['KeyResultAtRisk', 'KeyResultBackOnTrack'] }) type!: RiskHistoryEntry['type'];
  @ApiProperty({ type: 'integer', description: 'Position in the insight-{keyResultId} stream, from 0' }) revision!: number;
  @ApiProperty({ description: 'Who or what caused the assessment' }) actor!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ description: 'The event or command that triggered the assessment' }) causationId!: string;
  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(KeyResultAtRiskDataDto) }, { $ref: getSchemaPath(KeyResultBackOnTrackDataDto) }],
    description: 'KeyResultAtRiskDataDto for KeyResultAtRisk, KeyResultBackOnTrackDataDto for KeyResultBackOnTrack',
  })
  data!: KeyResultAtRiskDataDto | KeyResultBackOnTrackDataDto;
}

/** `GET /key-results/{krId}/risk`: whether the key result is at risk and why, with every change of it. */
export class KeyResultRiskDto implements KeyResultRisk {
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
  @ApiProperty() atRisk!: boolean;
  @ApiProperty({ type: [RiskReasonDto], description: 'Why it is at risk now; empty when it is not' }) reasons!: RiskReasonDto[];
  @ApiProperty({ type: 'integer', description: 'Revision of its insight-{keyResultId} stream; -1 before its first event' }) revision!: number;
  @ApiProperty({ type: [RiskHistoryEntryDto], description: 'Every risk event of it, oldest first' }) history!: RiskHistoryEntryDto[];
}
