import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { INTEGRATION_EVENT_CONSUMER, TOPICS, type IntegrationEvent, type IntegrationEventConsumer, type RunningConsumer } from '@okr/messaging';
import { CheckInsView } from '../view/check-ins.view';
import { QUESTIONS_CONSUMER, QuestionsView } from './questions.view';

const QUESTION_EVENTS = ['QuestionAsked', 'QuestionAnswered', 'QuestionSetAside'] as const;

/**
 * Follows the service's own topic (group `check-ins.questions`) into the questions index. Its own
 * group, so that the index can be rebuilt, and can lag, without touching the key-result view.
 */
@Injectable()
export class QuestionsProjection implements OnApplicationBootstrap, OnModuleDestroy {
  private running?: RunningConsumer;

  constructor(
    @Inject(INTEGRATION_EVENT_CONSUMER) private readonly consumer: IntegrationEventConsumer,
    private readonly view: CheckInsView,
    private readonly questions: QuestionsView,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handler = async (event: IntegrationEvent) => this.questions.apply(event);
    this.running = await this.consumer.start({
      group: await this.view.followedGroup(QUESTIONS_CONSUMER),
      topics: [TOPICS.checkIns.name],
      handlers: Object.fromEntries(QUESTION_EVENTS.map((type) => [type, handler])),
    });
  }

  async onModuleDestroy(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }
}
