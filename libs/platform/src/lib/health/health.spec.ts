import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { HealthController } from './health.module';
import { EventStoreHealthIndicator, ReadinessCheck } from './readiness';

const fakeStore = { headPosition: jest.fn<Promise<number>, []>() };

@ReadinessCheck()
@Injectable()
class FlagIndicator {
  static up = true;
  constructor(private readonly indicators: HealthIndicatorService) {}
  isReady() {
    const check = this.indicators.check('flag');
    return FlagIndicator.up ? check.up() : check.down('flag is down');
  }
}

describe('health endpoints', () => {
  let t: PlatformTestApp;

  beforeAll(async () => {
    t = await createPlatformTestApp({
      providers: [{ provide: EVENT_STORE, useValue: fakeStore as unknown as EventStore }, EventStoreHealthIndicator, FlagIndicator],
    });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    FlagIndicator.up = true;
    fakeStore.headPosition.mockReset().mockResolvedValue(41);
  });

  it('reports live without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('reports ready when every registered indicator is up, the event store with its head position', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      details: { 'event-store': { status: 'up', headPosition: 41 }, flag: { status: 'up' } },
    });
    expect(fakeStore.headPosition).toHaveBeenCalledTimes(1);
  });

  it('answers 503 when the event store does not answer', async () => {
    fakeStore.headPosition.mockRejectedValue(new Error('database is locked'));
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'error', error: { 'event-store': { status: 'down' } } });
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('answers 503 when any other registered indicator is down', async () => {
    FlagIndicator.up = false;
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { flag: { status: 'down', message: 'flag is down' } } });
  });
});

describe('readiness during shutdown', () => {
  it('turns not ready once shutdown has begun', async () => {
    const t = await createPlatformTestApp();
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    t.app.get(HealthController).beforeApplicationShutdown();
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { lifecycle: { status: 'down' } } });
    await t.close();
  });
});
