import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RebuildService, type RebuildProgress, type RebuildScope } from './rebuilds.service';

export type RebuildStarted = Pick<RebuildProgress, 'id' | 'readModel' | 'scope' | 'status'>;

export class StartRebuildCommand extends Command<RebuildStarted> {
  constructor(
    readonly readModel: string,
    readonly scope: RebuildScope,
  ) {
    super();
  }
}

/**
 * Starts rebuilding a read model beside the live one (of one tenant or of every tenant); the rebuild
 * runs on after the answer, held by the rebuild service, which switches it in when it reaches the head.
 */
@CommandHandler(StartRebuildCommand)
export class StartRebuildHandler implements ICommandHandler<StartRebuildCommand> {
  constructor(private readonly rebuilds: RebuildService) {}

  async execute({ readModel, scope }: StartRebuildCommand): Promise<RebuildStarted> {
    const started = this.rebuilds.start(readModel, scope);
    return { id: started.id, readModel: started.readModel, scope: started.scope, status: started.status };
  }
}
