import { officialCalendar } from '../../src/deadlines/working-calendar';
import type { Petition } from '../../src/petitions/petition.entity';
import { PetitionPresenter } from '../../src/petitions/petition.presenter';
import type { PetitionRepository } from '../../src/petitions/petition.repository';
import type { Unit } from '../../src/units/unit.entity';
import type { UnitRepository } from '../../src/units/unit.repository';

const unit = (id: string, nameZh: string) =>
  ({ id, code: id.slice(0, 4), nameZh, nameEn: `${nameZh} (en)`, kind: 'street', active: true }) as Unit;

const petition = (id: string, holdingUnitId: string) =>
  ({
    id,
    number: `MH-XF-2026-${id}`,
    subject: '噪音',
    state: 'registered',
    receivedOn: '2026-11-20',
    holdingUnitId,
    agentId: null,
    groupSize: null,
    flagRepeat: false,
    flagGroup: false,
    flagSkipLevel: false,
    dueDates: {},
    snapshot: { context: { extended: false } },
    nextVisitOn: null,
    version: 0,
    createdAt: new Date('2026-11-20T02:00:00Z'),
    updatedAt: new Date('2026-11-20T02:00:00Z'),
  }) as unknown as Petition;

describe('a page of the petition list', () => {
  it('when rows share holding units, then their units are read in one query and each row names its own', async () => {
    const reads: string[][] = [];
    const found = [unit('u1', '莘庄镇'), unit('u2', '七宝镇')];
    const units = {
      mapByIds: async (ids: string[]) => {
        reads.push([...new Set(ids)]);
        return new Map(found.map((row) => [row.id, row]));
      },
      findById: async () => {
        throw new Error('a query per row');
      },
    } as unknown as UnitRepository;
    const presenter = new PetitionPresenter({
      petitions: {} as PetitionRepository,
      reads: { allowedEvents: () => [] },
      units,
      clock: { now: () => new Date('2026-11-21T02:00:00Z') },
      calendar: () => officialCalendar,
    });

    const shown = await presenter.summaries(
      [petition('1', 'u1'), petition('2', 'u2'), petition('3', 'u1'), petition('4', 'gone')],
      'zh-CN',
    );

    expect(reads).toEqual([['u1', 'u2', 'gone']]);
    expect(shown.map((row) => row.holdingUnit?.name ?? null)).toEqual(['莘庄镇', '七宝镇', '莘庄镇', null]);
  });
});
