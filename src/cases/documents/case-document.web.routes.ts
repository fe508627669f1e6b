import type { Request } from 'express';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import type { RouteSpec } from '../../access/route-table';
import { actorOf, originOf } from '../../access/route-table';
import { NotFoundError } from '../../shared/errors';
import type { CaseService } from '../case.service';
import type { CaseFile, CaseFileService } from '../case-file.service';
import { acceptanceOf, checkServed, recordedEvent, refusalOf, servedDocuments } from './case-documents';
import { caseFileContentsView, caseFileCoverView } from './case-file-cover.view-model';
import { acceptanceNoticeView, refusalNoticeView } from './notices.view-model';
import { followUpRecordView, serviceReceiptView, sessionRecordView } from './records.view-model';

const context = (req: Request) => ({ t: req.t, locale: req.locale });
const seqParam = z.coerce.number().int().min(1).max(1_000_000);
const servedParam = z.enum(servedDocuments);

/** A path parameter that does not name a document of the case: the page does not exist. */
function parsedOr404<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

function present(found: unknown): void {
  if (!found) throw new NotFoundError();
}

/**
 * The procedure's printed documents of a case (issue 20): who may see the case may print them,
 * as the agreement; personal numbers in full only for whom the policy lets unmask them, and
 * then the print is audited (CaseFileService.printedDocument). A document the case does not
 * have is a 404.
 */
export function caseDocumentRoutes({
  cases,
  files,
}: {
  cases: Pick<CaseService, 'getVisible'>;
  files: CaseFileService;
}): RouteSpec[] {
  const record = {
    param: 'id',
    kind: 'case' as const,
    authorize: (actor: Actor, id: string) => cases.getVisible(actor, id),
  };
  const page = (
    path: string,
    name: (req: Request) => string,
    check: (req: Request, file: CaseFile) => void,
    render: (
      req: Request,
      printed: Awaited<ReturnType<CaseFileService['printedDocument']>>,
    ) => [string, object],
  ): RouteSpec => ({
    method: 'get',
    path: `/cases/:id/documents/${path}`,
    access: { action: 'case.view' },
    record,
    handler: async (req, res) => {
      const printed = await files.printedDocument(actorOf(req), originOf(req), String(req.params.id), {
        name: name(req),
        check: (file) => check(req, file),
      });
      const [template, view] = render(req, printed);
      res.setHeader('Cache-Control', 'no-store');
      res.render(`../documents/${template}`, view);
    },
  });
  const seq = (req: Request) => parsedOr404(seqParam, req.params.seq);
  const served = (req: Request) => parsedOr404(servedParam, req.params.document);
  return [
    page(
      'acceptance-notice',
      () => 'acceptance_notice',
      (_req, file) => present(acceptanceOf(file)),
      (req, printed) => ['acceptance-notice', acceptanceNoticeView(printed, context(req))],
    ),
    page(
      'refusal-notice',
      () => 'refusal_notice',
      (_req, file) => present(refusalOf(file)),
      (req, printed) => ['refusal-notice', refusalNoticeView(printed, context(req))],
    ),
    page(
      'sessions/:seq',
      (req) => `session_record:${seq(req)}`,
      (req, file) => recordedEvent(file, 'LOG_SESSION', seq(req)),
      (req, printed) => ['session-record', sessionRecordView(printed, seq(req), context(req))],
    ),
    page(
      'follow-ups/:seq',
      (req) => `follow_up_record:${seq(req)}`,
      (req, file) => recordedEvent(file, 'RECORD_FOLLOW_UP', seq(req)),
      (req, printed) => ['follow-up-record', followUpRecordView(printed, seq(req), context(req))],
    ),
    page(
      'service-receipt/:document',
      (req) => `service_receipt:${served(req)}`,
      (req, file) => checkServed(file, served(req)),
      (req, printed) => ['service-receipt', serviceReceiptView(printed, served(req), context(req))],
    ),
    // the cover and the contents name the parties, never their numbers: nothing to audit
    {
      method: 'get',
      path: '/cases/:id/documents/cover',
      access: { action: 'case.view' },
      record,
      handler: async (req, res) => {
        const file = await files.open(actorOf(req), String(req.params.id));
        res.setHeader('Cache-Control', 'no-store');
        res.render('../documents/case-file-cover', caseFileCoverView(file, context(req)));
      },
    },
    {
      method: 'get',
      path: '/cases/:id/documents/contents',
      access: { action: 'case.view' },
      record,
      handler: async (req, res) => {
        const file = await files.open(actorOf(req), String(req.params.id));
        res.setHeader('Cache-Control', 'no-store');
        res.render('../documents/case-file-contents', caseFileContentsView(file, context(req)));
      },
    },
  ];
}
