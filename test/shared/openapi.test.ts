import request from 'supertest';
import type { RouteSpec } from '../../src/access/route-table';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the OpenAPI document (GET /api/openapi.json)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('describes every API route of the route table, generated from the same schemas that validate requests', async () => {
    const response = await request(testApp.app).get('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const documented = Object.entries(response.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`),
    );
    const routes: RouteSpec[] = testApp.app.routes;
    const apiRoutes = routes
      .filter((spec) => spec.path.startsWith('/api/v1/'))
      .map((spec) => `${spec.method} ${spec.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual(apiRoutes.sort());

    const registerRef =
      response.body.paths['/api/v1/cases'].post.requestBody.content['application/json'].schema.$ref;
    expect(registerRef).toBe('#/components/schemas/RegisterCase');
    const register = response.body.components.schemas.RegisterCase;
    expect(register.required).toEqual(
      expect.arrayContaining(['type', 'title', 'description', 'source', 'parties']),
    );
    expect(register.properties.type.enum).toContain('land_requisition');
    expect(JSON.stringify(response.body.components.schemas.CaseEvent)).toContain(
      'REQUEST_JUDICIAL_CONFIRMATION',
    );
    expect(JSON.stringify(response.body)).not.toContain('#/$defs/');
    expect(response.body.paths['/api/v1/cases/{id}'].get.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
  });
});
