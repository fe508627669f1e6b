import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Actor } from '../../access/actor';
import type { RouteSpec } from '../../access/route-table';
import { actorOf, originOf } from '../../access/route-table';
import { RuleViolationError } from '../../shared/errors';
import type { CaseService } from '../case.service';
import type { CaseFile, CaseFileService } from '../case-file.service';
import { acceptanceOf, checkServed, recordedEvent, refusalOf, servedDocuments } from './case-documents';
import { caseFileContentsView, caseFileCoverView } from './case-file-cover.view-model';
import { maskedParties } from './document-parts';
import { acceptanceNoticeView, refusalNoticeView } from './notices.view-model';
import { followUpRecordView, serviceReceiptView, sessionRecordView } from './records.view-model';

const context = (req: Request) => ({ t: req.t, locale: req.locale });
const seqParam = z.coerce.number().int().min(1).max(1_000_000);
const servedParam = z.enum(servedDocuments);

/** A path parameter that names no document of the case: 422, as a document the case does not have. */
function parsedOr422<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RuleViolationError('no_document');
  return parsed.data;
}

function present(found: unknown): void {
  if (!found) throw new RuleViolationError('no_document');
}

/**
 * Prints the acceptance notice (受理通知书) of the case `req.params.id`, with `lookupCode`
 * when given — the route that issues a fresh lookup code prints the notice with it through
 * this, the GET route without. A notice is served on every side, so it names the parties with
 * masked numbers only (个人信息保护法 §6): nothing is decrypted, so nothing is audited.
 */
export async function renderAcceptanceNotice(
  files: CaseFileService,
  req: Request,
  res: Response,
  lookupCode?: string,
): Promise<void> {
  const file = await files.open(actorOf(req), String(req.params.id));
  present(acceptanceOf(file));
  res.setHeader('Cache-Control', 'no-store');
  res.render(
    '../documents/acceptance-notice',
    acceptanceNoticeView({ file, parties: maskedParties(file) }, context(req), { lookupCode }),
  );
}

/**
 * The procedure's printed documents of a case (issue 20): who may see the case may print them,
 * as the agreement; personal numbers in full only for whom the policy lets unmask them, and
 * then the print is audited (CaseFileService.printedDocument). A case the user may not see is
 * a 404; a document the case does not have (yet) is a 422 saying so, as the agreement's.
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
    audit: (req: Request) => { document: string } & Record<string, unknown>,
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
        audit: audit(req),
        check: (file) => check(req, file),
      });
      const [template, view] = render(req, printed);
      res.setHeader('Cache-Control', 'no-store');
      res.render(`../documents/${template}`, view);
    },
  });
  /** A document that shows no personal number: the case file as the user may see it, not audited. */
  const unaudited = (
    slug: string,
    template: string,
    view: (file: CaseFile, ctx: ReturnType<typeof context>) => object,
  ): RouteSpec => ({
    method: 'get',
    path: `/cases/:id/documents/${slug}`,
    access: { action: 'case.view' },
    record,
    handler: async (req, res) => {
      const file = await files.open(actorOf(req), String(req.params.id));
      res.setHeader('Cache-Control', 'no-store');
      res.render(`../documents/${template}`, view(file, context(req)));
    },
  });
  const seq = (req: Request) => parsedOr422(seqParam, req.params.seq);
  const served = (req: Request) => parsedOr422(servedParam, req.params.document);
  return [
    {
      method: 'get',
      path: '/cases/:id/documents/acceptance-notice',
      access: { action: 'case.view' },
      record,
      handler: (req, res) => renderAcceptanceNotice(files, req, res),
    },
    // served on every side: masked numbers only, nothing decrypted or audited (as the acceptance notice)
    {
      method: 'get',
      path: '/cases/:id/documents/refusal-notice',
      access: { action: 'case.view' },
      record,
      handler: async (req, res) => {
        const file = await files.open(actorOf(req), String(req.params.id));
        present(refusalOf(file));
        res.setHeader('Cache-Control', 'no-store');
        res.render(
          '../documents/refusal-notice',
          refusalNoticeView({ file, parties: maskedParties(file) }, context(req)),
        );
      },
    },
    page(
      'sessions/:seq',
      (req) => ({ document: 'session_record', seq: seq(req) }),
      (req, file) => recordedEvent(file, 'LOG_SESSION', seq(req)),
      (req, printed) => ['session-record', sessionRecordView(printed, seq(req), context(req))],
    ),
    page(
      'follow-ups/:seq',
      (req) => ({ document: 'follow_up_record', seq: seq(req) }),
      (req, file) => recordedEvent(file, 'RECORD_FOLLOW_UP', seq(req)),
      (req, printed) => ['follow-up-record', followUpRecordView(printed, seq(req), context(req))],
    ),
    page(
      'service-receipt/:document',
      (req) => ({ document: 'service_receipt', served: served(req) }),
      (req, file) => checkServed(file, served(req)),
      (req, printed) => ['service-receipt', serviceReceiptView(printed, served(req), context(req))],
    ),
    // the cover and the contents name the parties, never their numbers: nothing to audit
    unaudited('cover', 'case-file-cover', caseFileCoverView),
    unaudited('contents', 'case-file-contents', caseFileContentsView),
  ];
}
