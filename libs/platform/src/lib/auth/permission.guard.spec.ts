import { Body, Controller, Get, Injectable, Param, Post } from '@nestjs/common';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { Problem } from '../errors/problems';
import { Permission, type PermissionRequest, type ResourceResolver } from './permission.decorator';
import type { ResourceFacts } from './permissions';
import { Public } from './principal';
import { uuidParam } from './resource-locators';

const GROWTH_DOC = '0190a7e2-0000-7000-8000-000000000001';

/** A resolver over a fixed map of documents, counting its calls. */
@Injectable()
class DocResource implements ResourceResolver {
  static calls = 0;
  async resolve(request: PermissionRequest): Promise<ResourceFacts> {
    DocResource.calls += 1;
    const id = uuidParam(request, 'id');
    if (id !== GROWTH_DOC) throw new Problem({ status: 404, code: 'doc-not-found', title: 'Not Found', detail: 'No such document.' });
    return { description: 'document "Plan"', teams: ['growth'], owners: ['olga'] };
  }
}

const writes: unknown[] = [];

@Controller('api/owned')
class DocsController {
  @Get()
  @Permission('tenant:read')
  list() {
    return { items: [] };
  }

  @Post(':id/edits')
  @Permission('objective:write', DocResource)
  edit(@Param('id') id: string, @Body() body: unknown) {
    writes.push({ id, body });
    return { ok: true };
  }

  @Post('settings')
  @Permission('tenant:admin')
  settings() {
    writes.push('settings');
    return { ok: true };
  }

  @Post('forgotten')
  forgotten() {
    writes.push('forgotten');
    return { ok: true };
  }

  @Public()
  @Get('open')
  open() {
    return { open: true };
  }
}

describe('PermissionGuard', () => {
  let t: PlatformTestApp;
  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [DocsController], providers: [DocResource] });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    writes.length = 0;
    DocResource.calls = 0;
  });

  const call = async (method: 'GET' | 'POST', url: string, claims: Parameters<PlatformTestApp['token']>[0]) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await t.token(claims)}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { payload: '{}' } : {}),
    });

  it.each([
    ['a member of the owning team', { teams: ['growth'] }, 201],
    ['the owner', { user: 'olga', teams: ['sales'] }, 201],
    ['an admin', { roles: ['admin'] }, 201],
    ['a member of another team', { teams: ['sales'] }, 403],
    ['a leader of another team', { roles: ['leader'], teams: ['leadership'] }, 403],
    ['an auditor of the owning team', { roles: ['auditor'], teams: ['growth'] }, 403],
  ])('lets %s write an owned resource only when the matrix says so', async (_, claims, status) => {
    const res = await call('POST', `/api/owned/${GROWTH_DOC}/edits`, claims);
    expect(res.statusCode).toBe(status);
    expect(writes).toHaveLength(status === 201 ? 1 : 0);
  });

  it('refuses with 403 problem+json naming the permission and the owning team', async () => {
    const res = await call('POST', `/api/owned/${GROWTH_DOC}/edits`, { teams: ['sales'] });
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 403,
      code: 'permission-denied',
      details: { permission: 'objective:write', requires: { roles: ['admin'], teams: ['growth'], owner: true } },
    });
    expect(res.json().detail).toContain('team growth');
  });

  it('asks the resolver only when the roles do not decide alone', async () => {
    await call('POST', `/api/owned/${GROWTH_DOC}/edits`, { roles: ['admin'] });
    await call('POST', `/api/owned/${GROWTH_DOC}/edits`, { roles: ['auditor'] });
    expect(DocResource.calls).toBe(0);
    await call('POST', `/api/owned/${GROWTH_DOC}/edits`, { teams: ['growth'] });
    expect(DocResource.calls).toBe(1);
  });

  it("answers the resolver's 404 for an unknown resource and its 400 for a malformed id", async () => {
    expect((await call('POST', '/api/owned/0190a7e2-0000-7000-8000-000000000999/edits', { teams: ['growth'] })).statusCode).toBe(404);
    const malformed = await call('POST', '/api/owned/not-a-uuid/edits', { teams: ['growth'] });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    expect(writes).toHaveLength(0);
  });

  it('lets every role read and only admins use an admin permission', async () => {
    expect((await call('GET', '/api/owned', { roles: ['auditor'] })).statusCode).toBe(200);
    expect((await call('POST', '/api/owned/settings', { roles: ['leader'] })).statusCode).toBe(403);
    expect((await call('POST', '/api/owned/settings', { roles: ['admin'] })).statusCode).toBe(201);
  });

  it('refuses a route that declares no permission to everyone, admins included', async () => {
    const res = await call('POST', '/api/owned/forgotten', { roles: ['admin'] });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'permission-not-declared' });
    expect(writes).toHaveLength(0);
  });

  it('leaves @Public() routes and paths outside /api alone', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/owned/open' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});
