import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /api/v1/admin/rebuilds` and `/platform/rebuilds`: the read model to rebuild (`objective-summary`, `cycles`...). */
export class StartRebuildDto {
  @ApiProperty({ example: 'objective-summary' }) @IsString() @IsNotEmpty() @MaxLength(200) readModel!: string;
}
