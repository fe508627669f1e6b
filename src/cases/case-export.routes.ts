import type { Request, Response } from 'express';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { parseFilterQuery } from '../shared/http/validate';
import { xlsxMediaType } from '../shared/spreadsheet';
import { caseListQuerySchema } from './case.schemas';
import type { CaseExport } from './case-export';

/**
 * The case list as an Excel workbook (issue 21): the page's filter kept (the same query as
 * `/cases`), written to the response while the list is read. A refusal or a failed first read
 * answers as an error page; a failure once the file has begun cuts the download off.
 */
export function caseExportRoutes(exports: CaseExport): RouteSpec[] {
  async function sendWorkbook(req: Request, res: Response) {
    const query = parseFilterQuery(caseListQuerySchema, req.query);
    try {
      await exports.xlsx(actorOf(req), query, { t: req.t, locale: req.locale }, res, (freshness) => {
        res.setHeader('Content-Type', xlsxMediaType);
        res.setHeader('Content-Disposition', `attachment; filename="${exports.fileName('xlsx', freshness)}"`);
        res.setHeader('Cache-Control', 'no-store');
      });
    } catch (error) {
      if (res.headersSent) return void res.destroy(error as Error);
      for (const header of ['Content-Type', 'Content-Disposition']) res.removeHeader(header);
      throw error;
    }
  }

  return [
    {
      method: 'get',
      path: '/cases.xlsx',
      access: { action: 'case.list' },
      handler: sendWorkbook,
    },
    {
      method: 'get',
      path: '/api/v1/exports/cases.xlsx',
      access: { action: 'case.list' },
      api: {
        operationId: 'exportCasesXlsx',
        tag: 'cases',
        summary:
          'The filtered case list as an Excel workbook: date cells, masked parties, filters, frozen header',
        // validated as the page /cases.xlsx reads it (the same handler parses it again)
        query: caseListQuerySchema,
        queryIsFilterForm: true,
        produces: xlsxMediaType,
      },
      handler: sendWorkbook,
    },
  ];
}
