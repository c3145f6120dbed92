import { Module, type DynamicModule } from '@nestjs/common';
import { RELAY_TOPIC, RelayService, type RelayTopic } from './relay.service';

/** The relay of a service that owns streams. Import after `MessagingModule.forRoot`. */
@Module({})
export class RelayModule {
  static forService(what: RelayTopic): DynamicModule {
    return {
      module: RelayModule,
      providers: [{ provide: RELAY_TOPIC, useValue: what }, RelayService],
    };
  }
}
