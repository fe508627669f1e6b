import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import type { Config } from '../../config/environment';
import type { Actor } from '../access/actor';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { csrfProtection } from '../auth/csrf';
import { ValidationError } from '../shared/errors';
import { formFailure } from '../shared/http/forms';
import { multipartFailure, parseMultipart } from '../shared/http/multipart';
import { attachmentMaxBytes } from './attachment.rules';
import type { AttachmentService } from './attachment.service';
import type { CaseService } from './case.service';
import type { CaseFileService } from './case-file.service';
import { casePageView } from './case-page.view-model';

/**
 * Parses one uploaded file into memory (never to disk before the service has checked
 * it), within the size limit. Runs after the access guard: nobody's upload is read
 * before we know they may see the case. A file over the limit becomes a field error.
 */
function parseUpload(): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    // browsers send the file name as UTF-8 bytes: 证据照片.jpg must arrive as such
    defParamCharset: 'utf8',
    limits: { fileSize: attachmentMaxBytes, files: 1, fields: 5, fieldSize: 10_000, parts: 8 },
  }).single('file');
  return parseMultipart(upload, 'file', (error) =>
    error instanceof multer.MulterError
      ? new ValidationError([
          {
            field: 'file',
            message:
              error.code === 'LIMIT_FILE_SIZE'
                ? 'attachments.errors.tooLarge'
                : 'attachments.errors.required',
          },
        ])
      : multipartFailure(error, 'file'),
  );
}

/** Content-Disposition for any file name, Chinese included (RFC 6266 / 5987). */
function dispositionFor(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Attachments on a case: uploaded by those who act on it, downloaded by those who may see it. */
export function attachmentRoutes(
  attachments: AttachmentService,
  cases: CaseService,
  files: CaseFileService,
  config: Config,
): RouteSpec[] {
  const record = {
    param: 'id',
    kind: 'case' as const,
    authorize: (actor: Actor, id: string) => cases.getVisible(actor, id),
  };
  const csrf = csrfProtection(config);
  const reshow = async (req: Request, res: import('express').Response, error: unknown) => {
    const failure = formFailure(req, error);
    const actor = actorOf(req);
    const file = await files.open(actor, String(req.params.id));
    res.status(failure.status).render(
      'cases/show',
      casePageView(
        file,
        {
          timeline: 'all',
          failure: {
            formKey: 'attachment',
            values: failure.values,
            errors: failure.errors,
            formError: failure.formError,
          },
        },
        { t: req.t, locale: req.locale },
      ),
    );
  };

  return [
    {
      method: 'post',
      path: '/cases/:id/attachments',
      access: { action: 'attachment.add' },
      record,
      multipart: true,
      handler: [
        parseUpload(),
        csrf.protectUpload,
        async (req, res) => {
          const id = String(req.params.id);
          try {
            const description =
              typeof req.body?.description === 'string' ? req.body.description.trim() : undefined;
            const added = await attachments.add(
              actorOf(req),
              id,
              req.file ? { originalName: req.file.originalname, content: req.file.buffer } : undefined,
              description || undefined,
            );
            res.redirect(303, `/cases/${id}?uploaded=${encodeURIComponent(added.fileName)}#attachments`);
          } catch (error) {
            await reshow(req, res, error);
          }
        },
        // a rejected upload (size limit, CSRF) arrives here as an error: the case page again, with the message
        (async (
          error: unknown,
          req: Request,
          res: import('express').Response,
          next: (error?: unknown) => void,
        ) => {
          if (error instanceof ValidationError) return reshow(req, res, error).catch(next);
          next(error);
        }) as unknown as RequestHandler,
      ],
    },
    {
      method: 'get',
      path: '/cases/:id/attachments/:attachmentId',
      access: { action: 'case.view' },
      record,
      handler: async (req, res) => {
        const { attachment, stream } = await attachments.open(
          actorOf(req),
          String(req.params.id),
          String(req.params.attachmentId),
        );
        res.setHeader('Content-Type', attachment.contentType);
        res.setHeader('Content-Length', String(attachment.sizeBytes));
        res.setHeader('Content-Disposition', dispositionFor(attachment.fileName));
        res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
        res.setHeader('Cache-Control', 'private, no-store');
        const body = stream();
        body.on('error', (error) => res.destroy(error));
        body.pipe(res);
      },
    },
  ];
}
