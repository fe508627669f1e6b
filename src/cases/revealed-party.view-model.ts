import type { ViewContext } from './case.view-model';

/** One party in full, after an audited reveal. */
export function revealedPartyView(
  caseRow: { id: string; number: string; title: string },
  revealed: {
    party: { id: string; name: string; role: string; kind: string; address: string | null };
    idNumber: string | null;
    phone: string | null;
  },
  { t }: ViewContext,
) {
  return {
    title: t('casePage.revealTitle'),
    case: { id: caseRow.id, number: caseRow.number, title: caseRow.title, url: `/cases/${caseRow.id}` },
    parties: [
      {
        id: revealed.party.id,
        name: revealed.party.name,
        roleLabel: t(`partyRoles.${revealed.party.role}`),
        kindLabel: t(`partyKinds.${revealed.party.kind}`),
        idNumber: revealed.idNumber,
        phone: revealed.phone,
        address: revealed.party.address,
        revealed: true,
      },
    ],
  };
}
