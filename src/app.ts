import { randomUUID } from 'node:crypto';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import { engine } from 'express-handlebars';
import helmet from 'helmet';
import type { i18n as I18n } from 'i18next';
import { pinoHttp } from 'pino-http';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import { healthRoutes } from './health/health.routes';
import { errorHandler, notFoundHandler } from './shared/http/error-handler';
import { localeMiddleware } from './shared/http/locale.middleware';
import './shared/http/request-context';
import { viewHelpers } from './shared/http/view-helpers';
import type { Logger } from './shared/logger';
import { publicDir, templatesDir } from './shared/paths';
import { homeRoutes } from './web/home.routes';
import { localeRoutes } from './web/locale.routes';

export interface AppDependencies {
  config: Config;
  db: DataSource;
  logger: Logger;
  i18n: I18n;
}

const vendorAssets: Record<string, string> = {
  'pico.min.css': require.resolve('@picocss/pico/css/pico.min.css'),
  'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
};

/** The Express app, without listen(): the server and the tests both build it here. */
export function createApp(deps: AppDependencies): Express {
  const { config, db, logger, i18n } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(templatesDir, 'layouts'),
      partialsDir: path.join(templatesDir, 'partials'),
      helpers: viewHelpers,
    }),
  );
  app.set('view engine', 'hbs');
  app.set('views', path.join(templatesDir, 'pages'));

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'font-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          'upgrade-insecure-requests': null,
        },
      },
      strictTransportSecurity: false,
    }),
  );

  app.use(cookieParser());
  app.use(localeMiddleware(i18n, config.defaultLocale));

  for (const [file, source] of Object.entries(vendorAssets)) {
    app.get(`/static/vendor/${file}`, (_req, res) => {
      res.sendFile(source, { maxAge: '7d' });
    });
  }
  app.use('/static', express.static(publicDir, { maxAge: '1h', index: false }));

  app.use(healthRoutes(db));

  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '1mb' }));
  app.use((req, res, next) => {
    res.locals.currentPath = req.originalUrl;
    res.locals.demoMode = config.demoMode;
    next();
  });

  app.use(localeRoutes());
  app.use(homeRoutes());

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
