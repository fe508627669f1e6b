import type { RouteSpec } from '../access/route-table';
import { actorOf, authorizedRecordOf, originOf } from '../access/route-table';
import type { CaseService, VisibleCase } from '../cases/case.service';
import { daysLeftText } from '../deadlines/days-left.presenter';
import { provisionalText } from '../deadlines/provisional.presenter';
import type { AuditCheckpointService } from '../integrity/audit-checkpoint.service';
import type { RecordMismatch } from '../integrity/mirrored-records';
import { formatDateTime, formatPlainDate } from '../shared/format';
import { unitName } from '../units/unit.presenter';
import type { UnitService } from '../units/unit.service';
import type { SupervisionService } from './supervision.service';

/** A record that does not match its chain's events, said in the reader's language. */
function mismatchTexts(req: import('express').Request, mismatches: RecordMismatch[]): string[] {
  return mismatches.map((mismatch) =>
    req.t(`supervision.mismatch.${['event', 'record'].includes(mismatch.field) ? mismatch.field : 'field'}`, {
      record: req.t(`supervision.records.${mismatch.record}`),
      field: mismatch.field,
      seq: mismatch.eventSeq,
    }),
  );
}

/**
 * The overdue list (by how late, by unit) and the audit-chain check of the whole subtree,
 * or of one case from its page.
 */
export function supervisionRoutes(
  supervision: SupervisionService,
  units: UnitService,
  checkpoints: AuditCheckpointService,
  cases: Pick<CaseService, 'getVisible'>,
): RouteSpec[] {
  /** The signed checkpoints' part of the page: the public key, the latest checkpoint, the button. */
  const checkpointView = async (req: import('express').Request) => {
    const [latest] = await checkpoints.recent(actorOf(req), 1);
    return {
      publicKey: checkpoints.publicKey().publicKey,
      latest: latest && {
        number: latest.number,
        signedAt: formatDateTime(new Date(latest.signedAt), req.locale),
        chains: latest.chains,
        root: latest.root,
      },
      signed:
        typeof req.query.signed === 'string' && /^\d{1,12}$/.test(req.query.signed) ? req.query.signed : null,
    };
  };
  return [
    {
      method: 'get',
      path: '/supervision/overdue',
      access: { action: 'supervision.view' },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const [rows, visible] = await Promise.all([supervision.overdue(actor), units.listVisible(actor)]);
        const names = new Map(visible.map((unit) => [unit.id, unitName(unit, req.locale)]));
        const byUnit = new Map<string, number>();
        for (const row of rows) byUnit.set(row.holding_unit_id, (byUnit.get(row.holding_unit_id) ?? 0) + 1);
        res.render('supervision/overdue', {
          title: req.t('supervision.overdueTitle'),
          total: rows.length,
          units: [...byUnit]
            .sort((a, b) => b[1] - a[1])
            .map(([id, count]) => ({ name: names.get(id) ?? id, count })),
          cases: rows.map((row) => ({
            ...row,
            unit: names.get(row.holding_unit_id) ?? '',
            due: formatPlainDate(row.deadline_due, req.locale),
            late: daysLeftText(-row.daysLate, req.t),
            provisional: provisionalText(row.yearsWithoutNotice, req.t, req.locale),
          })),
        });
      },
    },
    {
      method: 'get',
      path: '/supervision/verify',
      access: { action: 'supervision.view' },
      handler: async (req, res) => {
        res.render('supervision/verify', {
          title: req.t('supervision.verifyTitle'),
          checkpoints: await checkpointView(req),
        });
      },
    },
    {
      method: 'post',
      path: '/supervision/verify',
      access: { action: 'supervision.view' },
      handler: async (req, res) => {
        const result = await supervision.verifySubtree(actorOf(req), originOf(req).ip);
        res.render('supervision/verify', {
          title: req.t('supervision.verifyTitle'),
          result: {
            checked: result.checked,
            broken: result.broken.map((row) => ({
              ...row,
              mismatches: mismatchTexts(req, row.mismatches),
            })),
          },
          valid: result.broken.length === 0,
          checkpoints: await checkpointView(req),
        });
      },
    },
    {
      // the case page's button: a page with the answer (with htmx, the answer alone is taken
      // into the case page, under the button)
      method: 'post',
      path: '/cases/:id/verify',
      access: { action: 'supervision.view' },
      record: { param: 'id', kind: 'case', authorize: (actor, id) => cases.getVisible(actor, id) },
      handler: async (req, res) => {
        const { row } = authorizedRecordOf<VisibleCase>(req);
        const result = await supervision.verifyCase(actorOf(req), row, originOf(req).ip);
        res.render('cases/chain-check', {
          title: req.t('chainCheck.title', { number: row.number }),
          case: { id: row.id, number: row.number, title: row.title },
          result: {
            valid: result.valid,
            validText: req.t('chainCheck.valid', { count: result.events }),
            firstBrokenSeq: result.firstBrokenSeq,
            mismatches: mismatchTexts(req, result.mismatches),
          },
        });
      },
    },
  ];
}
