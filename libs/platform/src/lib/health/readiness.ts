import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '@okr/event-store';

const READINESS_CHECK = DiscoveryService.createDecorator<true>();

/** A dependency the service needs to serve (event store, bus, read store...). */
export interface ReadinessIndicator {
  /** Resolves `up` or `down` (see terminus' `HealthIndicatorService`); may also throw for down. */
  isReady(): PromiseLike<HealthIndicatorResult> | HealthIndicatorResult;
}

/**
 * Class decorator: the provider is checked by `GET /health/ready`. Provide the class in any module of
 * the app and it is found; nothing else to register.
 */
export const ReadinessCheck = (): ClassDecorator => READINESS_CHECK(true);

/** Finds the providers marked {@link ReadinessCheck}, once, after the app has been built. */
@Injectable()
export class ReadinessIndicators {
  private found: ReadinessIndicator[] | undefined;

  constructor(private readonly discovery: DiscoveryService) {}

  all(): readonly ReadinessIndicator[] {
    this.found ??= [
      ...new Set(
        this.discovery
          .getProviders({ metadataKey: READINESS_CHECK.KEY })
          .filter((wrapper) => wrapper.isDependencyTreeStatic() && isIndicator(wrapper.instance))
          .map((wrapper) => wrapper.instance as ReadinessIndicator),
      ),
    ];
    return this.found;
  }
}

const isIndicator = (value: unknown): value is ReadinessIndicator =>
  typeof (value as ReadinessIndicator | undefined)?.isReady === 'function';

/**
 * Ready while the event store answers `headPosition()` within 3 seconds. Provide it in the app module
 * (next to the `EVENT_STORE` binding) and `/health/ready` checks it.
 */
@ReadinessCheck()
@Injectable()
export class EventStoreHealthIndicator implements ReadinessIndicator {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly indicators: HealthIndicatorService,
  ) {}

  isReady(): PromiseLike<HealthIndicatorResult> {
    return this.indicators
      .check('event-store')
      .attempt(async () => ({ headPosition: await this.store.headPosition() }))
      .withTimeout(3000);
  }
}
