import { todayInShanghai } from '../../deadlines/working-calendar';
import { formatMoment, formatPlainDate } from '../../shared/format';
import { unitName } from '../../units/unit.presenter';
import type { ViewContext } from '../case.view-model';
import type { CaseFile, DocumentParty } from '../case-file.service';
import { acceptanceOf, recordedEvent, refusalOf, type ServedDocument } from './case-documents';
import { agreementName } from './case-file-cover.view-model';
import { documentLaw } from './document-law';
import {
  documentFrame,
  issuerName,
  lawLine,
  mediatorName,
  partyLines,
  payloadText,
  signingParties,
} from './document-parts';

interface PrintedCase {
  file: CaseFile;
  parties: DocumentParty[];
}

function momentText(value: string, at: Date, locale: ViewContext['locale']): string {
  const moment = new Date(value);
  return formatMoment(Number.isNaN(moment.getTime()) ? at : moment, locale);
}

/** The case's mediator when the session was held: the last ASSIGN before it (a case may be reassigned later). */
function mediatorAt(file: CaseFile, seq: number): string {
  const assigned = [...file.events].reverse().find((event) => event.type === 'ASSIGN' && event.seq < seq);
  const id = typeof assigned?.payload.mediatorId === 'string' ? assigned.payload.mediatorId : null;
  return (id ? file.users.get(id)?.displayName : undefined) ?? mediatorName(file);
}

/**
 * 调解笔录 (人民调解法 §27: the mediator records the mediation): one logged session, hearing
 * or visit — its time, place, who attended, the minutes — with the parties' particulars and
 * a signature block for them, the mediator and the recorder.
 */
export function sessionRecordView({ file, parties }: PrintedCase, seq: number, context: ViewContext) {
  const { t, locale } = context;
  const event = recordedEvent(file, 'LOG_SESSION', seq);
  const kind = payloadText(event.payload, 'kind') || 'session';
  return {
    ...documentFrame(file, t('caseDocs.session.title'), context),
    kind: 'session-record',
    issuer: issuerName(file, event.unitId, context),
    facts: [
      { label: t('caseDocs.session.kind'), text: t(`sessionKinds.${kind}`) },
      {
        label: t('caseDocs.session.heldAt'),
        text: momentText(payloadText(event.payload, 'heldAt'), event.at, locale),
      },
      { label: t('caseDocs.session.place'), text: payloadText(event.payload, 'place') },
      { label: t('caseDocs.session.matter'), text: file.row.title },
      // the case's mediator, not whoever logged the session (a colleague may type it in); the
      // recorder's line stays blank, to be signed on paper
      { label: t('caseDocs.session.mediator'), text: mediatorAt(file, event.seq) || (event.actorName ?? '') },
      { label: t('caseDocs.session.attendees'), text: payloadText(event.payload, 'attendees') },
    ],
    parties: partyLines(parties, t),
    minutes: payloadText(event.payload, 'minutes'),
    signatures: signingParties(parties, t),
    law: lawLine(documentLaw.sessionRecord, context),
  };
}

/**
 * 回访记录 (人民调解法 §31 ¶2: the committee supervises performance): when, who visited, how
 * far the agreement is performed, what was found, signed by the visitor and the visited.
 */
export function followUpRecordView({ file, parties }: PrintedCase, seq: number, context: ViewContext) {
  const { t, locale } = context;
  const event = recordedEvent(file, 'RECORD_FOLLOW_UP', seq);
  const performed = payloadText(event.payload, 'performed');
  return {
    ...documentFrame(file, t('caseDocs.followUp.title'), context),
    kind: 'follow-up-record',
    issuer: issuerName(file, event.unitId, context),
    facts: [
      { label: t('caseDocs.followUp.matter'), text: file.row.title },
      {
        label: t('caseDocs.followUp.visitedAt'),
        text: momentText(payloadText(event.payload, 'visitedAt'), event.at, locale),
      },
      { label: t('caseDocs.followUp.visitor'), text: event.actorName ?? '' },
      {
        label: t('caseDocs.followUp.agreement'),
        text: file.agreement
          ? t('caseDocs.followUp.agreementOn', { date: formatPlainDate(file.agreement.reachedOn, locale) })
          : '—',
      },
      { label: t('caseDocs.followUp.performed'), text: performed ? t(`performance.${performed}`) : '' },
    ],
    parties: partyLines(parties, t),
    note: payloadText(event.payload, 'note'),
    signatures: signingParties(parties, t),
    law: lawLine(documentLaw.followUpRecord, context),
  };
}

/** The served document's name and the day it was made, for its proof of service. */
function servedDocument(file: CaseFile, document: ServedDocument, { t, locale }: ViewContext) {
  if (document === 'agreement') {
    return {
      name: agreementName(file, t),
      day: file.agreement ? formatPlainDate(file.agreement.reachedOn, locale) : '',
    };
  }
  const event = document === 'acceptance-notice' ? acceptanceOf(file) : refusalOf(file);
  return {
    name: t(document === 'acceptance-notice' ? 'caseDocs.acceptance.title' : 'caseDocs.refusal.title'),
    day: event ? formatPlainDate(todayInShanghai(event.at), locale) : '',
  };
}

/**
 * 送达回证 (by analogy with 民事诉讼法 §87): one receipt per party served — the document, its
 * number, the recipient, the way of service, the day, and the recipient's and the server's
 * signatures. Each receipt is a page of its own.
 */
export function serviceReceiptView(
  { file, parties }: PrintedCase,
  document: ServedDocument,
  context: ViewContext,
) {
  const { t, locale } = context;
  const served = servedDocument(file, document, context);
  const recipients = parties.filter((entry) => entry.party.role !== 'third_party');
  return {
    ...documentFrame(file, t('caseDocs.receipt.title'), context),
    kind: 'service-receipt',
    issuer: issuerName(file, file.row.holdingUnitId, context),
    receipts: partyLines(recipients, t).map((recipient) => ({
      recipient,
      rows: [
        {
          label: t('caseDocs.receipt.document'),
          text: `${served.name}${t('punct.openParen')}${served.day}${t('punct.closeParen')}`,
        },
        { label: t('caseDocs.receipt.number'), text: file.row.number },
        {
          label: t('caseDocs.receipt.recipient'),
          text: `${recipient.roleLabel}${t('punct.colon')}${recipient.name}`,
        },
        { label: t('caseDocs.receipt.address'), text: recipient.address ?? '' },
        // filled in by hand at service: where it was served, and who took it for the recipient
        { label: t('caseDocs.receipt.place'), text: '' },
        { label: t('caseDocs.receipt.agent'), text: '' },
        { label: t('caseDocs.receipt.server'), text: unitName(file.holdingUnit, locale) },
      ],
      ways: ['direct', 'mail', 'electronic', 'left'].map((way) => t(`caseDocs.receipt.ways.${way}`)),
    })),
    law: lawLine(documentLaw.serviceReceipt, context),
  };
}
