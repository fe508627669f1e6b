import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';

describe('health and readiness', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('GET /healthz answers 200 while the process is up', async () => {
    const response = await request(testApp.app).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database answers and its migrations are current', async () => {
    const response = await request(testApp.app).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ready',
      checks: { database: 'ok', migrations: 'current' },
    });
  });

  it('GET /readyz answers 503 when a migration is pending', async () => {
    await testApp.db.undoLastMigration();
    try {
      const response = await request(testApp.app).get('/readyz');
      expect(response.status).toBe(503);
      expect(response.body.checks.migrations).toBe('pending');
    } finally {
      await testApp.db.runMigrations();
    }
  });

  it('every response carries a request id, and a sane one sent by a proxy is kept', async () => {
    const generated = await request(testApp.app).get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(testApp.app).get('/healthz').set('X-Request-Id', 'lb-1234');
    expect(kept.headers['x-request-id']).toBe('lb-1234');
  });
});
