import express, { type ErrorRequestHandler, Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import type { Actor } from '../../src/access/actor';
import { apiRoute, mountRoutes, type RouteSpec } from '../../src/access/route-table';
import { AppError, NotFoundError, TooManyRequestsError } from '../../src/shared/errors';

const recordId = '6f1d3c1e-2b4a-4c8e-9d7f-0a1b2c3d4e5f';
const hiddenId = '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b';

const actorAs = (role: Actor['role']): Actor => ({
  id: '11111111-1111-4111-8111-111111111111',
  username: role,
  displayName: role,
  role,
  unitId: '22222222-2222-4222-8222-222222222222',
  unitPath: 'd',
  unitNameZh: '区',
  unitNameEn: 'District',
  locale: 'en',
  mustChangePassword: false,
  passwordChangedAt: new Date(0),
});

const noteSchema = z.strictObject({ note: z.string().min(1), copies: z.coerce.number().int().default(1) });
const filterSchema = z.object({
  overdue: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  page: z.coerce.number().int().min(1).default(1),
});

/**
 * Issue 18 item 6: an API route's input is validated once, from its spec, by the route
 * table — after the access decision and the record's authorization (401, 403, 404 first),
 * after the route's own middleware (throttling), right before the handler, which reads the
 * parsed value as `req.input`. The error answers are those the handlers gave themselves.
 */
describe('the route table validates an API route’s input from its spec', () => {
  const authorized: string[] = [];
  const handled: unknown[] = [];
  const authorize = async (_actor: Actor, id: string) => {
    authorized.push(id);
    if (id === hiddenId) throw new NotFoundError();
    return { id };
  };
  const record = { param: 'id', kind: 'case' as const, authorize };
  const specs: RouteSpec[] = [
    apiRoute({
      method: 'post',
      path: '/api/notes/:id',
      access: { action: 'case.act' },
      record,
      api: { operationId: 'addNote', tag: 'cases', summary: 'A note', body: noteSchema },
      handler: (req, res) => {
        handled.push({ body: req.input.body, raw: req.body });
        res.status(201).json(req.input.body);
      },
    }),
    apiRoute({
      method: 'post',
      path: '/api/events/:id',
      access: { action: 'case.act' },
      record: { ...record, checkedByHandler: true },
      api: { operationId: 'sendEvent', tag: 'cases', summary: 'An event', body: noteSchema },
      handler: (req, res) => {
        res.json(req.input.body);
      },
    }),
    apiRoute({
      method: 'get',
      path: '/api/list',
      access: 'signedIn',
      api: { operationId: 'list', tag: 'cases', summary: 'A list', query: filterSchema },
      handler: (req, res) => {
        res.json(req.input.query);
      },
    }),
    apiRoute({
      method: 'get',
      path: '/api/form-list',
      access: 'signedIn',
      api: {
        operationId: 'formList',
        tag: 'cases',
        summary: 'A filter form',
        query: filterSchema,
        queryIsFilterForm: true,
      },
      handler: (req, res) => {
        res.json(req.input.query);
      },
    }),
    apiRoute({
      method: 'post',
      path: '/api/sign',
      access: 'signedIn',
      api: {
        operationId: 'sign',
        tag: 'audit',
        summary: 'Sign',
        body: z.strictObject({}),
        bodyOptional: true,
      },
      handler: (req, res) => {
        res.json({ body: req.input.body });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/api/years/:year',
      access: 'public',
      api: {
        operationId: 'year',
        tag: 'calendar',
        summary: 'A year',
        params: z.object({ year: z.coerce.number().int().min(2000) }),
      },
      handler: (req, res) => {
        res.json({ year: req.input.params.year });
      },
    }),
    apiRoute({
      method: 'post',
      path: '/api/throttled',
      access: 'public',
      api: { operationId: 'throttled', tag: 'auth', summary: 'Throttled', body: noteSchema },
      handler: [
        (req, _res, next) =>
          next(req.get('x-throttled') ? new TooManyRequestsError('too_many_attempts') : undefined),
        (req, res) => {
          res.json(req.input.body);
        },
      ],
    }),
  ];
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    const role = req.get('x-role') as Actor['role'] | undefined;
    if (role) req.actor = actorAs(role);
    next();
  });
  app.use(mountRoutes(Router(), specs));
  const answer: ErrorRequestHandler = (error, _req, res, _next) => {
    if (!(error instanceof AppError)) throw error;
    res.status(error.status).json({ code: error.code, details: error.details });
  };
  app.use(answer);

  beforeEach(() => {
    authorized.length = 0;
    handled.length = 0;
  });

  it('when the body fits, then the handler gets the parsed value (defaults, coercions) and the raw body stays as sent', async () => {
    const response = await request(app)
      .post(`/api/notes/${recordId}`)
      .set('x-role', 'mediator')
      .send({ note: 'called back' });
    expect(response.status).toBe(201);
    expect(handled).toEqual([{ body: { note: 'called back', copies: 1 }, raw: { note: 'called back' } }]);
  });

  it('when it does not, then 400 names each field with its locale key, and the handler does not run', async () => {
    const response = await request(app)
      .post(`/api/notes/${recordId}`)
      .set('x-role', 'mediator')
      .send({ note: '', extra: 1 });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'note', message: 'validation.too_small' }),
        expect.objectContaining({ message: 'validation.unrecognized_keys' }),
      ]),
    );
    expect(handled).toEqual([]);
  });

  it('then the guard answers first: 401 signed out, 403 for a role that may not, 404 for a record the caller may not see', async () => {
    const malformed = { note: '' };
    expect((await request(app).post(`/api/notes/${recordId}`).send(malformed)).status).toBe(401);
    const refused = await request(app).post(`/api/notes/${recordId}`).set('x-role', 'admin').send(malformed);
    expect(refused.status).toBe(403);
    const hidden = await request(app)
      .post(`/api/notes/${hiddenId}`)
      .set('x-role', 'mediator')
      .send(malformed);
    expect(hidden.status).toBe(404);
    expect(
      (await request(app).post('/api/notes/not-a-uuid').set('x-role', 'mediator').send(malformed)).status,
    ).toBe(404);
  });

  it('when the handler checks its record, then a malformed body asks the record first (404 hides it, else 400), a good one does not', async () => {
    const hidden = await request(app)
      .post(`/api/events/${hiddenId}`)
      .set('x-role', 'mediator')
      .send({ note: '' });
    expect(hidden.status).toBe(404);
    const seen = await request(app)
      .post(`/api/events/${recordId}`)
      .set('x-role', 'mediator')
      .send({ note: '' });
    expect(seen.status).toBe(400);
    expect(authorized).toEqual([hiddenId, recordId]);
    authorized.length = 0;
    const good = await request(app)
      .post(`/api/events/${recordId}`)
      .set('x-role', 'mediator')
      .send({ note: 'x' });
    expect(good.status).toBe(200);
    expect(authorized).toEqual([]);
  });

  it('then a query is parsed (a blank field is an error), a filter form’s blank fields are no filter', async () => {
    const parsed = await request(app).get('/api/list?overdue=true&page=2').set('x-role', 'mediator');
    expect(parsed.body).toEqual({ overdue: true, page: 2 });
    const blank = await request(app).get('/api/list?overdue=').set('x-role', 'mediator');
    expect(blank.status).toBe(400);
    expect(blank.body.details).toEqual([expect.objectContaining({ field: 'overdue' })]);
    const form = await request(app).get('/api/form-list?overdue=&page=').set('x-role', 'mediator');
    expect(form.body).toEqual({ page: 1 });
  });

  it('then an optional body may be left out, path parameters are parsed, and a route’s own middleware runs before validation', async () => {
    expect((await request(app).post('/api/sign').set('x-role', 'mediator')).body).toEqual({ body: {} });
    expect((await request(app).get('/api/years/2027')).body).toEqual({ year: 2027 });
    expect((await request(app).get('/api/years/1999')).status).toBe(400);
    const throttled = await request(app).post('/api/throttled').set('x-throttled', '1').send({});
    expect(throttled.status).toBe(429);
    expect((await request(app).post('/api/throttled').send({})).status).toBe(400);
  });
});
