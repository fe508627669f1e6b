import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, Router } from 'express';
import { engine } from 'express-handlebars';
import type { i18n as I18n } from 'i18next';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import { apiOperations, mountRoutes, type RouteSpec } from './access/route-table';
import { authenticate } from './auth/authenticate.middleware';
import { csrfProtection, isBearerRequest } from './auth/csrf';
import { sessionMiddleware } from './auth/session.middleware';
import type { Services } from './composition-root';
import { healthRoutes, type ReadinessOptions } from './health/health.routes';
import { routeTable } from './routes';
import type { Clock } from './shared/clock';
import { databaseHealth, poolOf } from './shared/db/database-health';
import { errorHandler, isApiRequest, notFoundHandler } from './shared/http/error-handler';
import { localeMiddleware } from './shared/http/locale.middleware';
import { buildOpenApiDocument } from './shared/http/openapi';
import { provideRequestLog, requestLogger } from './shared/http/request-log';
import { refuseDeepJson, rejectUnstorableInput } from './shared/http/storable-input.middleware';
import './shared/http/request-context';
import { defaults } from '../config/defaults';
import { securityHeaders } from './shared/http/security-headers';
import { filesUnder, type StaticAsset, serveStaticAssets } from './shared/http/static-assets';
import { viewHelpers } from './shared/http/view-helpers';
import type { Logger } from './shared/logger';
import { publicDir, templatesDir } from './shared/paths';
import { tooLargeIn } from './shared/too-large-flash';
import { unitName } from './units/unit.presenter';
import { navigationFor } from './web/navigation';

export interface AppDependencies {
  config: Config;
  db: DataSource;
  logger: Logger;
  i18n: I18n;
  services: Services;
  clock: Clock;
  /** More checks for /readyz, e.g. the background worker's state (the server adds it). */
  readinessChecks?: Record<string, () => Promise<string>>;
  /** True once the process is shutting down (the server sets it): /readyz fails, connections are not kept. */
  stopping?: () => boolean;
}

/** The vendored assets (Pico, htmx, ECharts from node_modules), served under /static/vendor/. */
const vendorAssets: StaticAsset[] = [
  { name: 'vendor/pico.min.css', file: require.resolve('@picocss/pico/css/pico.min.css') },
  { name: 'vendor/htmx.min.js', file: require.resolve('htmx.org/dist/htmx.min.js') },
  { name: 'vendor/echarts.min.js', file: require.resolve('echarts/dist/echarts.min.js') },
];

/** Routes mounted before sessions (probes and documents must not create sessions). */
function sessionlessRoutes(db: DataSource, apiRoutes: RouteSpec[], readiness: ReadinessOptions): RouteSpec[] {
  const openApi = buildOpenApiDocument(apiOperations(apiRoutes));
  return [
    ...healthRoutes(databaseHealth(db), readiness),
    {
      method: 'get',
      path: '/api/openapi.json',
      access: 'public',
      handler: (_req, res) => {
        res.json(openApi);
      },
    },
  ];
}

/** Handlebars pages, layouts and partials, compiled once per process. */
function useViews(app: Express, assetUrl: (name: string) => string): void {
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(templatesDir, 'layouts'),
      partialsDir: path.join(templatesDir, 'partials'),
      // {{asset "app.css"}}: the asset's URL with its content hash (shared/http/static-assets.ts)
      helpers: { ...viewHelpers, asset: assetUrl },
    }),
  );
  app.set('view engine', 'hbs');
  // templates and partials are read and compiled once per process, not on every request
  // (Express turns this on only under NODE_ENV=production; nothing here reloads templates live)
  app.enable('view cache');
  app.set('views', path.join(templatesDir, 'pages'));
}

/**
 * Bodies, then who is calling: a browser session (none is created or looked up for an API call
 * with a bearer token), the actor, their language, and CSRF on every form (multipart uploads
 * check it after the guard).
 */
function useSessionAndIdentity(app: Express, deps: AppDependencies, routes: RouteSpec[]): void {
  const { config, db, i18n, services, clock } = deps;
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '1mb', verify: refuseDeepJson }));
  app.use(rejectUnstorableInput);
  const pool = poolOf(db);
  if (!pool) throw new Error('createApp: the data source is not initialised');
  const sessions = sessionMiddleware(config, pool);
  app.use((req, res, next) =>
    isBearerRequest(req) && isApiRequest(req) ? next() : sessions(req, res, next),
  );
  app.use(authenticate({ actors: services.actors, clock }));
  app.use(localeMiddleware(i18n, config.defaultLocale)); // again: the user's own preference now counts
  const csrf = csrfProtection(config);
  const uploads = Router();
  for (const spec of routes) if (spec.multipart) uploads[spec.method](spec.path, csrf.deferToUpload);
  app.use(uploads);
  app.use(csrf.protect);
  app.use(csrf.provideToken);
}

/** What every page's layout shows: the navigation and who is signed in (not for the API). */
function pageLocals(config: Config): RequestHandler {
  return (req, res, next) => {
    if (isApiRequest(req)) return next(); // no page is rendered for the API
    res.locals.currentPath = req.originalUrl;
    res.locals.demoMode = config.demoMode;
    // back after a form too large to read: every page says so (the intake and case pages, beside their form)
    res.locals.tooLargeFlash = tooLargeIn(req);
    res.locals.navigation = navigationFor(req.actor, req.path, req.t);
    if (req.actor) {
      res.locals.currentUser = {
        displayName: req.actor.displayName,
        unitName: unitName({ nameZh: req.actor.unitNameZh, nameEn: req.actor.unitNameEn }, req.locale),
        roleLabel: req.t(`roles.${req.actor.role}`),
      };
    }
    next();
  };
}

/**
 * The routes in two routers, the API's (`/api/…`) and the pages', each request walking only
 * its own (`next('router')` leaves the other at its first layer): an API call no longer tries
 * every page route's pattern first (test/bench/README.md, "The request pipeline"). A path
 * matches routes of one kind only, so nothing else changes; the test is case-insensitive, as
 * Express's routing is.
 */
function routersByAudience(routes: RouteSpec[]): Router[] {
  const isApiPath = (path: string) => /^\/api\//i.test(path);
  const api = Router().use((req, _res, next) => next(isApiPath(req.url) ? undefined : 'router'));
  const pages = Router().use((req, _res, next) => next(isApiPath(req.url) ? 'router' : undefined));
  return [
    mountRoutes(
      api,
      routes.filter((spec) => isApiPath(spec.path)),
    ),
    mountRoutes(
      pages,
      routes.filter((spec) => !isApiPath(spec.path)),
    ),
  ];
}

/** `middleware`, except for an API call with a bearer token. */
function unlessBearerApi(middleware: RequestHandler): RequestHandler {
  return (req, res, next) =>
    isBearerRequest(req) && isApiRequest(req) ? next() : middleware(req, res, next);
}

/** The Express app, without listen(): the server and the tests both build it here. */
export function createApp(deps: AppDependencies): Express & { routes: RouteSpec[] } {
  const { config, db, logger, i18n, services, clock, stopping } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  if (stopping) {
    // while draining before a shutdown, a client's next request opens a new connection (to another instance)
    app.use((_req, res, next) => {
      if (stopping()) res.setHeader('Connection', 'close');
      next();
    });
  }
  app.use(requestLogger(logger, config.requestLog ?? defaults.requestLog));
  provideRequestLog(app.request, logger);
  app.use(securityHeaders());
  // what a bearer API call does not need: it carries no cookie (no locale, session or CSRF
  // cookie; API.md), and its language is settled once it is authenticated, below
  app.use(unlessBearerApi(cookieParser()));
  app.use(unlessBearerApi(localeMiddleware(i18n, config.defaultLocale)));
  const assets = serveStaticAssets(app, [...filesUnder(publicDir), ...vendorAssets]);
  useViews(app, (name) => assets.urlOf(name));
  // every answer after the static files is the app's own, most of them personal data: kept by
  // no cache (so an ETag, hashing every body, would never be asked for)
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const routes = routeTable(services, config, clock);
  const early = sessionlessRoutes(db, routes, { checks: deps.readinessChecks, stopping });
  app.use(mountRoutes(Router(), early));
  useSessionAndIdentity(app, deps, routes);
  app.use(pageLocals(config));
  app.use(...routersByAudience(routes));

  app.use(notFoundHandler);
  // a bearer API call that failed before its language was settled (its actor's lookup, its body): settle it now
  const localize = localeMiddleware(i18n, config.defaultLocale);
  app.use(((error, req, res, next) =>
    't' in req ? next(error) : localize(req, res, () => next(error))) satisfies ErrorRequestHandler);
  app.use(errorHandler);
  return Object.assign(app, { routes: [...early, ...routes] });
}
