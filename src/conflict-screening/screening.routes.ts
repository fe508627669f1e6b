import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute, authorizedRecordOf, originOf } from '../access/route-table';
import { presentRound } from './screening.presenter';
import {
  fileScreeningSchema,
  itemCaseSchema,
  itemToCaseSchema,
  screeningListQuerySchema,
  screeningRoundListSchema,
  screeningRoundSchema,
} from './screening.schemas';
import type { ScreeningRound, ScreeningService } from './screening.service';
import type { ScreeningItemCaseService } from './screening-item-case.service';

/** The guard's read of an item (404 when the caller may not see its round). */
export function itemRecord(screenings: ScreeningService): NonNullable<RouteSpec['record']> {
  return {
    param: 'itemId',
    kind: 'screeningItem',
    authorize: (actor, id) => screenings.getItemVisible(actor, id),
  };
}

/** The screening API (API.md, Additions): file a round or a zero report, list rounds, an item made a case. */
export function screeningRoutes(deps: {
  screenings: ScreeningService;
  itemCases: ScreeningItemCaseService;
}): RouteSpec[] {
  return [
    apiRoute({
      method: 'post',
      path: '/api/v1/screenings',
      access: { action: 'screening.file' },
      api: {
        operationId: 'fileScreening',
        tag: 'screenings',
        summary:
          'File a unit’s screening round for a month (矛盾纠纷排查): its items, or an empty list for a zero report (零报告). A second filing adds its items to the round; items of grade 3 or 4 alert the supervisors (audited)',
        body: fileScreeningSchema,
        response: screeningRoundSchema,
        status: 201,
        errors: [422],
      },
      handler: async (req, res) => {
        const round = await deps.screenings.file(actorOf(req), req.input.body, originOf(req));
        res.status(201).json(presentRound(round, req.locale));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/api/v1/screenings',
      access: { action: 'screening.list' },
      api: {
        operationId: 'listScreenings',
        tag: 'screenings',
        summary:
          'Screening rounds the caller may read (?unitId= a unit’s subtree, ?period=YYYY-MM), newest first',
        query: screeningListQuerySchema,
        response: screeningRoundListSchema,
      },
      handler: async (req, res) => {
        const query = req.input.query;
        const { items, total } = await deps.screenings.list(actorOf(req), query);
        res.json({
          items: items.map((round) => presentRound(round, req.locale)),
          total,
          page: query.page,
          pageSize: query.pageSize,
        });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/api/v1/screenings/:id',
      access: { action: 'screening.list' },
      record: { param: 'id', kind: 'screening', authorize: (actor, id) => deps.screenings.get(actor, id) },
      api: {
        operationId: 'getScreening',
        tag: 'screenings',
        summary: 'One screening round with its items',
        response: screeningRoundSchema,
      },
      handler: async (req, res) => {
        res.json(presentRound(authorizedRecordOf<ScreeningRound>(req), req.locale));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/api/v1/screenings/items/:itemId/case',
      access: { action: 'screening.file' },
      record: itemRecord(deps.screenings),
      api: {
        operationId: 'makeScreeningItemCase',
        tag: 'screenings',
        summary:
          'Make a screened item a case in one step: title, type, description, grid and group size carried over, the item remembering the case (audited)',
        body: itemToCaseSchema,
        response: itemCaseSchema,
        status: 201,
        errors: [422],
      },
      handler: async (req, res) => {
        const made = await deps.itemCases.makeCase(
          actorOf(req),
          String(req.params.itemId),
          req.input.body,
          originOf(req),
        );
        res.status(201).json(made);
      },
    }),
  ];
}
