import { BadRequestException, Body, Controller, ForbiddenException, Get, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsNotEmpty, IsNumber, IsString, Length, ValidateNested } from 'class-validator';
import { WrongExpectedRevisionError } from '@okr/event-store';
import { notFound, ruleBroken } from '@okr/okr-domain';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { Public } from '../auth/principal';

class KeyResultDto {
  @IsString() @IsNotEmpty() title!: string;
  @IsNumber() target!: number;
}

class ObjectiveDto {
  @IsString() @Length(1, 100) title!: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => KeyResultDto) keyResults!: KeyResultDto[];
}

@Public()
@Controller('api/test')
class ErrorsController {
  @Post('objectives')
  create(@Body() dto: ObjectiveDto) {
    return { title: dto.title, isDto: dto instanceof ObjectiveDto };
  }

  @Get('missing')
  missing() {
    throw notFound('objective-not-found', 'There is no objective 42.', { objectiveId: '42' });
  }

  @Get('closed')
  closed() {
    throw ruleBroken('objective-closed', 'The objective is closed.');
  }

  @Get('stale')
  stale() {
    throw new WrongExpectedRevisionError('objective-42', 3, 4);
  }

  @Get('boom')
  boom() {
    throw new Error('secret internals at /srv/db');
  }

  @Get('forbidden')
  forbidden() {
    throw new ForbiddenException('Only owners may do this.');
  }

  @Get('bad-header')
  badHeader() {
    throw new BadRequestException({ message: 'If-Match is malformed', errors: [{ field: 'If-Match', message: 'must be an ETag' }] });
  }
}

describe('ProblemDetailsFilter', () => {
  let t: PlatformTestApp;

  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [ErrorsController], env: { OKR_BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => t.close());

  const post = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/test/objectives', payload: payload as object });

  it('lets valid input through as a DTO instance', async () => {
    const res = await post({ title: 'Grow', keyResults: [{ title: 'NPS 50', target: 50 }] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ title: 'Grow', isDto: true });
  });

  it('answers bad input with 400 naming every bad field by its path, nested ones included', async () => {
    const res = await post({ title: '', keyResults: [{ title: 'ok', target: 1 }, { title: '', target: 'ten' }], extra: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const body = res.json();
    expect(body).toMatchObject({
      type: 'urn:okr:problem:validation-failed',
      title: 'Invalid request',
      status: 400,
      code: 'validation-failed',
      instance: '/api/test/objectives',
      correlationId: res.headers['x-correlation-id'],
    });
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(new Set(fields)).toEqual(new Set(['title', 'keyResults[1].title', 'keyResults[1].target', 'extra']));
    expect(body.errors).toContainEqual({ field: 'extra', message: 'property extra should not exist' });
    expect(body.detail).toContain('keyResults[1].target');
  });

  it('says a missing (or null) required field is required, not "must be shorter than…"; an unknown null one should not exist', async () => {
    const res = await post({ keyResults: [{ title: null, target: 1 }], extra: null });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'title', message: 'title is required' },
        { field: 'keyResults[0].title', message: 'keyResults[0].title is required' },
        { field: 'extra', message: 'property extra should not exist' },
      ]),
    );
    expect(res.json().errors).toHaveLength(3);
  });

  it('maps a not-found DomainError to 404 with its code and details', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/missing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      type: 'urn:okr:problem:objective-not-found',
      status: 404,
      code: 'objective-not-found',
      detail: 'There is no objective 42.',
      details: { objectiveId: '42' },
      instance: '/api/test/missing',
    });
  });

  it('maps a broken rule to 422', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/closed' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ status: 422, code: 'objective-closed', title: 'Domain rule broken' });
  });

  it('maps WrongExpectedRevisionError to 409', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/stale' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: 409, code: 'wrong-expected-revision' });
  });

  it('answers a body over OKR_BODY_LIMIT_BYTES with 413', async () => {
    const res = await post({ title: 'x'.repeat(3000), keyResults: [] });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 413, code: 'payload-too-large', instance: '/api/test/objectives' });
    expect((await post({ title: 'x'.repeat(1900), keyResults: [] })).statusCode).toBe(400);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/test/objectives',
      headers: { 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: 'malformed-json' });
  });

  it('answers an unexpected error with 500, logs it with its stack and the correlation id, and shows neither', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/boom', headers: { 'x-correlation-id': 'boom-1' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ status: 500, code: 'internal-error', correlationId: 'boom-1' });
    expect(res.body).not.toContain('secret internals');
    expect(res.body).not.toContain('at ');
    const logged = t.logs.lines.find((l) => l['msg'] === 'Request failed with an unexpected error');
    expect(logged).toMatchObject({ level: 'error', correlationId: 'boom-1', url: '/api/test/boom' });
    expect(JSON.stringify(logged)).toContain('secret internals');
    expect((logged?.['err'] as { stack?: string })?.stack).toContain('problem-details.filter.spec');
  });

  it('keeps the message of Nest HTTP errors and field errors given to them', async () => {
    const forbidden = await t.app.inject({ method: 'GET', url: '/api/test/forbidden' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ type: 'about:blank', title: 'Forbidden', code: 'forbidden', detail: 'Only owners may do this.' });
    const badHeader = await t.app.inject({ method: 'GET', url: '/api/test/bad-header' });
    expect(badHeader.json()).toMatchObject({
      status: 400,
      detail: 'If-Match is malformed',
      errors: [{ field: 'If-Match', message: 'must be an ETag' }],
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, code: 'not-found', instance: '/api/nothing-here' });
    expect(res.json().correlationId).toEqual(res.headers['x-correlation-id']);
  });
});
