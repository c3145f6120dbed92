import { Body, Controller, Post } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { Permission } from '../auth/permission.decorator';

class CreateObjective {
  @ApiProperty() @IsString() title!: string;
}

@Controller('api/v1/objectives')
class ObjectivesController {
  @Post()
  @Permission('self:write')
  create(@Body() body: CreateObjective) {
    return body;
  }
}

describe('setupOpenApi', () => {
  let t: PlatformTestApp;

  beforeAll(async () => {
    t = await createPlatformTestApp({
      controllers: [ObjectivesController],
      openApi: { title: 'Goals API', version: '1.2.3', description: 'Objectives and key results' },
    });
  });
  afterAll(() => t.close());

  it('serves the document at /api/docs-json without a token, with a required bearer scheme', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs-json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.info).toMatchObject({ title: 'Goals API', version: '1.2.3', description: 'Objectives and key results' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/objectives'].post).toBeDefined();
    expect(doc.components.schemas.CreateObjective).toBeDefined();
    expect(doc.components.schemas.ProblemDetails.properties.errors).toBeDefined();
  });

  it('serves Swagger UI at /api/docs without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger');
  });

  it('still guards the API itself', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/objectives', payload: { title: 'x' } })).statusCode).toBe(401);
  });
});
