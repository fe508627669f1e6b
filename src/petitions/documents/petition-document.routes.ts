import type { Request, Response } from 'express';
import type { RouteSpec } from '../../access/route-table';
import { actorOf, originOf } from '../../access/route-table';
import type { PetitionDocument, PetitionDocumentService } from './petition-document.service';
import type { DocumentContext } from './petition-document.view-model';
import { type PetitionDocumentKind, petitionDocumentKinds, petitionDocuments } from './petition-documents';
import { acceptanceNoticeView, refusalNoticeView } from './petition-notice.view-model';
import { opinionDocumentView } from './petition-opinion.view-model';

/** Each document's view model (the acceptance notice prints without a lookup code here: see its view). */
const views: Record<PetitionDocumentKind, (document: PetitionDocument, context: DocumentContext) => object> =
  {
    acceptance: (document, context) => acceptanceNoticeView(document, context),
    refusal: refusalNoticeView,
    reply: opinionDocumentView,
    review: opinionDocumentView,
    recheck: opinionDocumentView,
  };

/**
 * The 信访事项受理告知书 printed with the petitioner's lookup code: called by the party access
 * panel's "print with this code" (src/tracking), which has checked the code is the current one.
 */
export async function renderPetitionAcceptanceNotice(
  documents: PetitionDocumentService,
  req: Request,
  res: Response,
  lookupCode: string,
): Promise<void> {
  const document = await documents.open(actorOf(req), originOf(req), String(req.params.id), 'acceptance');
  res.setHeader('Cache-Control', 'no-store');
  res.render(
    `../documents/${petitionDocuments.acceptance.template}`,
    acceptanceNoticeView(document, { t: req.t, locale: req.locale }, { lookupCode }),
  );
}

/**
 * `GET /petitions/:id/documents/<slug>`, one route per document: who may see the petition may
 * print it (404 otherwise, 422 while it is not issued); the service unmasks and audits.
 */
export function petitionDocumentRoutes({
  documents,
  record,
}: {
  documents: PetitionDocumentService;
  record: NonNullable<RouteSpec['record']>;
}): RouteSpec[] {
  return petitionDocumentKinds.map((kind) => ({
    method: 'get' as const,
    path: `/petitions/:id/documents/${petitionDocuments[kind].slug}`,
    access: { action: 'petition.view' as const },
    record,
    handler: async (req: Request, res) => {
      const document = await documents.open(actorOf(req), originOf(req), String(req.params.id), kind);
      res.setHeader('Cache-Control', 'no-store');
      res.render(
        `../documents/${petitionDocuments[kind].template}`,
        views[kind](document, { t: req.t, locale: req.locale }),
      );
    },
  }));
}
