import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NOTIFICATIONS_CLOCK, type Clock } from '../notifications.config';
import { DigestScheduler } from './digest-scheduler';
import { ReminderScheduler, type ReminderRun } from './reminder-scheduler';

export class RunRemindersCommand extends Command<ReminderRun> {
  /** `at`: evaluate as of that instant (a test clock for demos); now when absent. */
  constructor(
    readonly tenantId: string,
    readonly at?: Date,
  ) {
    super();
  }
}

/** Evaluates a tenant's check-in reminders; each missed period is reminded once, however often this runs. */
@CommandHandler(RunRemindersCommand)
export class RunRemindersHandler implements ICommandHandler<RunRemindersCommand> {
  constructor(
    private readonly reminders: ReminderScheduler,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
  ) {}

  execute({ tenantId, at }: RunRemindersCommand): Promise<ReminderRun> {
    return this.reminders.run(at ?? this.clock.now(), tenantId);
  }
}

export class RunDigestsCommand extends Command<{ digests: number }> {
  constructor(readonly tenantId: string) {
    super();
  }
}

/** Assembles a tenant's daily digests that are due now (they are also assembled every minute). */
@CommandHandler(RunDigestsCommand)
export class RunDigestsHandler implements ICommandHandler<RunDigestsCommand> {
  constructor(
    private readonly digests: DigestScheduler,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ tenantId }: RunDigestsCommand): Promise<{ digests: number }> {
    return { digests: await this.digests.run(this.clock.now(), tenantId) };
  }
}
