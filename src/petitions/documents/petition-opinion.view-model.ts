import { inLocale } from '../../shared/i18n/bilingual';
import { unitName } from '../../units/unit.presenter';
import { firstInstanceUnitOf } from '../petition.repository';
import type { PetitionDocument } from './petition-document.service';
import {
  type DocumentContext,
  eventDate,
  eventDay,
  petitionDocumentFrame,
} from './petition-document.view-model';
import { lastEvent, petitionDocumentLaw } from './petition-documents';

/** A reply, a review or a recheck: the three written opinions share one template. */
type OpinionKind = 'reply' | 'review' | 'recheck';

/**
 * 信访事项处理意见书 / 复查意见书 / 复核意见书 (templates/documents/petition-opinion.hbs): the
 * opinion and its day, when it reached the petitioner, and what the petitioner may do next — ask
 * the body one level up for a review within 30 days of receiving it (§35), ask the next body for a
 * recheck likewise (§36), or nothing: the recheck is final and the same matter is not accepted
 * again (§36). A proposal's or complaint's reply opens no review (§34, §35).
 */
export function opinionDocumentView(document: PetitionDocument, context: DocumentContext) {
  const { t, locale } = context;
  const kind = document.kind as OpinionKind;
  const frame = petitionDocumentFrame(document, t(`petitionDocs.${kind}.title`), context);
  const payload = document.issued.payload;
  return {
    ...frame,
    intro: introOf(document, kind, context, frame),
    opinionLabel: t(`petitionDocs.${kind}.opinionLabel`),
    opinion: typeof payload.opinion === 'string' ? payload.opinion : '',
    deliveredOn:
      typeof payload.deliveredOn === 'string'
        ? t('petitionDocs.deliveredOn', { date: eventDate(document.issued, 'deliveredOn', locale) })
        : null,
    nextStep: nextStepOf(document, kind, context),
    final: kind === 'recheck',
  };
}

/** What the opinion answers: the petition as accepted, or the opinion whose review was asked for. */
function introOf(
  document: PetitionDocument,
  kind: OpinionKind,
  { t, locale }: DocumentContext,
  frame: ReturnType<typeof petitionDocumentFrame>,
): string {
  const { events, row, units } = document;
  const named = (id: string | null) => {
    const unit = id ? units.get(id) : undefined;
    return unit ? unitName(unit, locale) : '';
  };
  if (kind === 'reply')
    return t('petitionDocs.reply.intro', {
      receivedOn: frame.receivedOn,
      subject: row.subject,
      acceptedOn: eventDay(lastEvent(events, 'ACCEPT'), locale),
    });
  if (kind === 'review')
    return t('petitionDocs.review.intro', {
      unit: named(firstInstanceUnitOf(row)),
      opinionOn: eventDate(lastEvent(events, 'REPLY'), 'on', locale),
      subject: row.subject,
      requestedOn: eventDate(lastEvent(events, 'REQUEST_REVIEW'), 'requestedOn', locale),
    });
  return t('petitionDocs.recheck.intro', {
    unit: named(row.snapshot.context.reviewUnitId),
    opinionOn: eventDate(lastEvent(events, 'REVIEW_DECIDED'), 'on', locale),
    subject: row.subject,
    requestedOn: eventDate(lastEvent(events, 'REQUEST_RECHECK'), 'requestedOn', locale),
  });
}

/** The petitioner's next step, with the body named from the unit tree and the article. */
function nextStepOf(document: PetitionDocument, kind: OpinionKind, { t, locale }: DocumentContext): string {
  const { row, rules, nextBody } = document;
  const law = petitionDocumentLaw(rules);
  if (kind === 'recheck') return t('petitionDocs.recheck.final', { source: inLocale(locale, law.final) });
  if (kind === 'reply' && !rules.reviewApplies.categories.includes(row.category))
    return t('petitionDocs.reply.noReview', {
      category: t(`petitions.categories.${row.category}`),
      source: inLocale(locale, law.reviewApplies),
    });
  const window = kind === 'reply' ? rules.reviewRequestWindow : rules.recheckRequestWindow;
  return t(`petitionDocs.${kind}.${nextBody ? 'right' : 'rightNoBody'}`, {
    days: window.days,
    body: nextBody ? unitName(nextBody, locale) : '',
    source: inLocale(locale, window.source),
  });
}
