import express, { type Request } from 'express';
import iconv from 'iconv-lite';
import multer from 'multer';
import type { Config } from '../../config/environment';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { csrfProtection } from '../auth/csrf';
import { AppError, ValidationError } from '../shared/errors';
import { parseMultipart } from '../shared/http/multipart';
import { importColumns } from './case-import.rows';
import type { CaseImportService } from './case-import.service';

/** 20 MB holds well over 100,000 historic rows. */
const maxCsvBytes = 20 * 1024 * 1024;
/** The media types the API takes a CSV as. */
const csvMediaTypes = ['text/csv', 'application/csv', 'text/plain'];

/**
 * The CSV of an API request. UTF-8 (the contract, API.md) stays the bytes it came as, which
 * the parser reads: no string of the whole file (two bytes a character once one is Chinese)
 * is made. A request that names another charset, say GB 18030 or cp936 from an older Excel,
 * is decoded from it by iconv-lite, as `express.text` decoded it before (a byte-order mark
 * choosing UTF-16's order); one it does not know is refused with 415, as before.
 */
function csvOf(req: Request): Buffer | string {
  const body: unknown = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new ValidationError([{ field: 'body', message: 'validation.csv_required' }]);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i
    .exec(req.headers['content-type'] ?? '')?.[1]
    .toLowerCase();
  if (!charset || charset === 'utf-8' || charset === 'utf8') return body;
  if (!iconv.encodingExists(charset)) throw new AppError('bad_request', 415);
  return iconv.decode(body, charset);
}
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxCsvBytes, files: 1 } });

/** Historic import: the API (text/csv body) and the admin page (file upload). */
export function importRoutes(imports: CaseImportService, config: Config): RouteSpec[] {
  const csrf = csrfProtection(config);
  const pageModel = (extra: Record<string, unknown> = {}) => ({ columns: importColumns.join(','), ...extra });
  return [
    {
      method: 'post',
      path: '/api/v1/imports/cases',
      access: { action: 'import.cases' },
      api: {
        operationId: 'importCases',
        tag: 'imports',
        summary: 'Import historic cases from CSV (all rows or none)',
        // the handler reads the text itself: an empty one is a 400, a bad row a 422 naming it
        rawBody: {
          mediaType: 'text/csv',
          schema: { type: 'string', description: 'UTF-8, header row first' },
        },
        status: 201,
        errors: [422],
      },
      handler: [
        express.raw({ type: csvMediaTypes, limit: maxCsvBytes }),
        async (req, res) => {
          res.status(201).json(await imports.importCsv(actorOf(req), req.ip ?? null, csvOf(req)));
        },
      ],
    },
    {
      method: 'get',
      path: '/admin/import',
      access: { action: 'import.cases' },
      handler: (req, res) => {
        res.render('admin/import', { title: req.t('admin.import.title'), ...pageModel() });
      },
    },
    {
      method: 'post',
      path: '/admin/import',
      access: { action: 'import.cases' },
      multipart: true,
      handler: [
        parseMultipart(upload.single('file'), 'file'),
        csrf.protectUpload,
        async (req, res) => {
          // the file's bytes, read as UTF-8 by the parser
          const csv = req.file?.buffer;
          try {
            if (!csv?.length)
              throw new ValidationError([{ field: 'file', message: 'validation.csv_required' }]);
            const result = await imports.importCsv(actorOf(req), req.ip ?? null, csv);
            res.render('admin/import', {
              title: req.t('admin.import.title'),
              ...pageModel({ imported: result.imported }),
            });
          } catch (error) {
            if (!(error instanceof AppError) || error.status >= 500) throw error;
            res.status(error.status).render('admin/import', {
              title: req.t('admin.import.title'),
              ...pageModel({
                formError: req.t(`errors.${error.code}`, {
                  ...error.params,
                  defaultValue: req.t('errors.validation_failed'),
                }),
                rowErrors: (error.details ?? []).map((detail) => ({
                  ...detail,
                  message: req.t(detail.message, { ...detail.params, defaultValue: detail.message }),
                })),
              }),
            });
          }
        },
      ],
    },
  ];
}
