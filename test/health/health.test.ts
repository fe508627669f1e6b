import request from 'supertest';
import { createApp } from '../../src/app';
import { createI18n } from '../../src/shared/i18n/i18n';
import { createLogger } from '../../src/shared/logger';
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

  it('while the process shuts down, /readyz answers 503 at once, /healthz still 200, and every response asks the client to close its connection', async () => {
    const stopping = createApp({
      config: testApp.config,
      db: testApp.db,
      logger: createLogger('silent', { pretty: false }),
      i18n: await createI18n(testApp.config.defaultLocale),
      services: testApp.services,
      clock: testApp.clock,
      stopping: () => true,
    });

    const readiness = await request(stopping).get('/readyz');
    expect(readiness.status).toBe(503);
    expect(readiness.body).toEqual({ status: 'stopping', checks: {} });
    expect(readiness.headers.connection).toBe('close');
    const liveness = await request(stopping).get('/healthz');
    expect(liveness.status).toBe(200);
    expect(liveness.headers.connection).toBe('close');
  });

  it('every response carries a request id, and a sane one sent by a proxy is kept', async () => {
    const generated = await request(testApp.app).get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(testApp.app).get('/healthz').set('X-Request-Id', 'lb-1234');
    expect(kept.headers['x-request-id']).toBe('lb-1234');
  });
});
