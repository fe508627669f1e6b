import { Writable } from 'node:stream';
import express from 'express';
import helmet from 'helmet';
import pino from 'pino';
import request from 'supertest';
import { provideRequestLog, requestLogger } from '../../src/shared/http/request-log';
import { helmetHeaders, securityHeaderOptions } from '../../src/shared/http/security-headers';
import { apiToken, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** A pino logger writing into `lines`, one parsed object per line. */
function recordingLogger(level: string, lines: Array<Record<string, unknown>>) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return pino({ level, base: undefined }, sink);
}

/** The headers helmet itself sets with the app's options, on a bare Express app. */
async function helmetAnswer(): Promise<Record<string, string>> {
  const bare = express();
  bare.use(helmet(securityHeaderOptions));
  bare.get('/', (_req, res) => {
    res.send('ok');
  });
  const response = await request(bare).get('/');
  const names = helmetHeaders().map(([name]) => name.toLowerCase());
  return Object.fromEntries(names.map((name) => [name, response.headers[name]]));
}

describe('the request pipeline', () => {
  let testApp: TestApp;
  const lines: Array<Record<string, unknown>> = [];
  let token: string | undefined;
  /** A workstation mediator's bearer token, made on first use. */
  const mediatorToken = async () => {
    if (token) return token;
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    token = await apiToken(testApp.app, mediator.username);
    return token;
  };

  beforeAll(async () => {
    testApp = await startTestApp({}, { logger: recordingLogger('info', lines) });
  });
  afterAll(() => testApp.close());

  it('sets the very security headers helmet sets, computed once, on pages, API answers and assets', async () => {
    const expected = await helmetAnswer();
    expect(expected['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(10);
    for (const path of ['/login', '/api/v1/cases', '/healthz', '/static/app.css']) {
      const response = await request(testApp.app).get(path);
      for (const [name, value] of Object.entries(expected))
        expect([path, name, response.headers[name]]).toEqual([path, name, value]);
    }
  });

  it('when a page links its styles, then through URLs with their content hash, kept for a year', async () => {
    const page = await request(testApp.app).get('/login');
    const links = [...page.text.matchAll(/href="(\/static\/[^"]+\.css)"/g)].map((match) => match[1]);
    expect(links).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/static\/vendor\/pico\.min\.[0-9a-f]{10}\.css$/),
        expect.stringMatching(/^\/static\/app\.[0-9a-f]{10}\.css$/),
      ]),
    );
    for (const link of links) {
      const asset = await request(testApp.app).get(link);
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });

  it('when an asset is asked for by its plain URL, then it is revalidated by its ETag: 304 while unchanged', async () => {
    const first = await request(testApp.app).get('/static/app.css');
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.headers.etag).toMatch(/^"[0-9a-f]{10}"$/);
    const again = await request(testApp.app).get('/static/app.css').set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    expect((await request(testApp.app).get('/static/no-such-file.css')).status).toBe(404);
  });

  it('an API answer and a page carrying personal data are stored by no cache, and carry no ETag', async () => {
    const token = await mediatorToken();
    const answer = await request(testApp.app).get('/api/v1/cases').set('Authorization', `Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers.etag).toBeUndefined();
    const page = await request(testApp.app).get('/login');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('when a bearer API call fails before its language is settled (a malformed body), then the error is in its language', async () => {
    const token = await mediatorToken();
    const answer = await request(testApp.app)
      .post('/api/v1/cases')
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', 'en')
      .set('Content-Type', 'application/json')
      .send('{"title": ');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'malformed_body',
      message: 'The request body is not well-formed.',
    });
  });

  it('logs one line per request with its id, method, redacted URL and status, under the X-Request-Id it answers', async () => {
    lines.length = 0;
    const response = await request(testApp.app)
      .get('/login?returnTo=%2Fcases%3Fq%3D%E5%BC%A0')
      .set('X-Request-Id', 'lb-77');
    expect(response.headers['x-request-id']).toBe('lb-77');
    const line = lines.find((logged) => (logged.req as { id?: string } | undefined)?.id === 'lb-77');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'lb-77', method: 'GET', url: '/login?returnTo=[redacted]' },
      res: { statusCode: 200 },
    });
    expect(typeof line?.responseTime).toBe('number');
    await request(testApp.app).get('/healthz');
    expect(lines.filter((logged) => (logged.req as { url?: string }).url === '/healthz')).toEqual([]);
  });
});

describe('the request log, sampled', () => {
  /** A small app with the request log and three routes: fine, failing, and one that logs. */
  function appWith(level: string, options: { slowMs: number; sampleRate: number }) {
    const lines: Array<Record<string, unknown>> = [];
    const logger = recordingLogger(level, lines);
    const app = express();
    app.use(requestLogger(logger, options));
    provideRequestLog(app.request, logger);
    app.get('/fine', (_req, res) => {
      res.send('ok');
    });
    app.get('/failing', (_req, res) => {
      res.status(500).send('no');
    });
    app.get('/noting', (req, res) => {
      req.log.warn('something to note');
      res.send('ok');
    });
    return { app, lines };
  }

  it('when only a share is sampled, then errors and slow requests are still logged', async () => {
    const { app, lines } = appWith('info', { slowMs: 60_000, sampleRate: 0 });
    await request(app).get('/fine');
    await request(app).get('/failing').set('X-Request-Id', 'failed-1');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        req: { id: 'failed-1', method: 'GET', url: '/failing' },
        res: { statusCode: 500 },
      }),
    ]);

    const slow = appWith('info', { slowMs: 0, sampleRate: 0 }); // every request is at least 0 ms: all slow
    await request(slow.app).get('/fine');
    expect(slow.lines).toEqual([expect.objectContaining({ level: 40, res: { statusCode: 200 } })]);
  });

  it('when every request is sampled, then each gets its line; at LOG_LEVEL=warn only the failures do', async () => {
    const all = appWith('info', { slowMs: 60_000, sampleRate: 1 });
    await request(all.app).get('/fine');
    await request(all.app).get('/fine');
    expect(all.lines.map((line) => line.level)).toEqual([30, 30]);

    const quiet = appWith('warn', { slowMs: 60_000, sampleRate: 1 });
    await request(quiet.app).get('/fine');
    await request(quiet.app).get('/failing');
    expect(quiet.lines.map((line) => line.level)).toEqual([50]);
  });

  it("a handler's own line through req.log carries the request", async () => {
    const { app, lines } = appWith('info', { slowMs: 60_000, sampleRate: 0 });
    await request(app).get('/noting').set('X-Request-Id', 'noted-1');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'something to note',
        req: { id: 'noted-1', method: 'GET', url: '/noting' },
      }),
    ]);
  });
});
