import { ApiProperty } from '@nestjs/swagger';
import { OBJECTIVE_STATUSES } from '@okr/okr-domain';
import type { AlignmentNode, AlignmentTree } from './alignment-tree';

/** An objective in the alignment tree, with the objectives aligned to it below. */
export class AlignmentNodeDto implements AlignmentNode {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Customers love the product' }) title!: string;
  @ApiProperty({ type: String, nullable: true, example: 'growth' }) teamId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Growth', description: 'The display name (the id when the team is not registered)' }) teamName!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The team's parent in the organisation chart, to group the map by it" }) parentTeamId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) cycleId!: string | null;
  @ApiProperty({ enum: OBJECTIVE_STATUSES }) status!: AlignmentNode['status'];
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Its own progress (mean of its key results)' }) progress!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: "Mean of its own progress (when it has key results) and its children's rolled-up progress; null when nothing below it is measured",
  })
  rolledUpProgress!: number | null;
  @ApiProperty({
    type: () => [AlignmentNodeDto],
    description: 'Objectives aligned to it, oldest set first; one aligned to several parents appears under each',
  })
  children!: AlignmentNodeDto[];
}

/** `GET /alignment-tree`: the tenant's (or one cycle's) objectives as trees of alignment. */
export class AlignmentTreeDto implements AlignmentTree {
  @ApiProperty({
    type: [AlignmentNodeDto],
    description: 'Objectives aligned to no objective of the view (a parent in another cycle makes a root here), oldest set first',
  })
  roots!: AlignmentNodeDto[];
}
