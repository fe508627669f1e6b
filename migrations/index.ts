import { CreateUnitTreeAndGrids1764140000000 } from './1764140000000-CreateUnitTreeAndGrids';
import { CreateUsersSessionsTokensAndAuditLog1764140100000 } from './1764140100000-CreateUsersSessionsTokensAndAuditLog';
import { CreateCasesPetitionsAndTheirEventChains1764140200000 } from './1764140200000-CreateCasesPetitionsAndTheirEventChains';
import { CreateCaseAttachments1764140300000 } from './1764140300000-CreateCaseAttachments';
import { CreateNotificationPreferencesAndDigests1764140400000 } from './1764140400000-CreateNotificationPreferencesAndDigests';
import { CreateDeadlineTimers1764140410000 } from './1764140410000-CreateDeadlineTimers';
import { InstallJobQueueSchema1764140420000 } from './1764140420000-InstallJobQueueSchema';
import { IndexCaseFiguresByRegistrationPeriod1764140900000 } from './1764140900000-IndexCaseFiguresByRegistrationPeriod';
import { IndexCaseSearchByCharacterBigrams1764141000000 } from './1764141000000-IndexCaseSearchByCharacterBigrams';
import { CoverHandOffFiguresByCase1764141100000 } from './1764141100000-CoverHandOffFiguresByCase';
import { IndexAgreementFiguresByDayReached1764141200000 } from './1764141200000-IndexAgreementFiguresByDayReached';
import { IndexDistrictCasesByLastChangeAndDueDate1764141300000 } from './1764141300000-IndexDistrictCasesByLastChangeAndDueDate';
import { IndexCaseScopesByStateAndType1764141400000 } from './1764141400000-IndexCaseScopesByStateAndType';
import { NotifyWhenActorsChange1764141500000 } from './1764141500000-NotifyWhenActorsChange';
import { PairCharactersInOneLoop1764141600000 } from './1764141600000-PairCharactersInOneLoop';
import { IndexHandOffFiguresByDay1764141700000 } from './1764141700000-IndexHandOffFiguresByDay';
import { IndexCaseSelectionForHandOffFigures1764141800000 } from './1764141800000-IndexCaseSelectionForHandOffFigures';
import { ReinstallOutdatedJobQueueSchema1764141900000 } from './1764141900000-ReinstallOutdatedJobQueueSchema';
import { CreateOfficialCalendarWithChangeNotices1764142000000 } from './1764142000000-CreateOfficialCalendarWithChangeNotices';
import { FillOfficialCalendarFromChineseDays1764142010000 } from './1764142010000-FillOfficialCalendarFromChineseDays';
import { RecordWhenApplicationsAreReceivedAndClaimsKnown1764142100000 } from './1764142100000-RecordWhenApplicationsAreReceivedAndClaimsKnown';
import { KeyDepartmentsByTheBodyTheyAre1764142110000 } from './1764142110000-KeyDepartmentsByTheBodyTheyAre';
import { GiveCaseSnapshotsTheRulesTheirStatechartNowReads1764142120000 } from './1764142120000-GiveCaseSnapshotsTheRulesTheirStatechartNowReads';
import { AddChainDigestsAndKeyingRecord1764142200000 } from './1764142200000-AddChainDigestsAndKeyingRecord';
import { RecordSignedAuditCheckpoints1764142210000 } from './1764142210000-RecordSignedAuditCheckpoints';
import { MoveSignInBookkeepingOutOfUsers1764142300000 } from './1764142300000-MoveSignInBookkeepingOutOfUsers';
import { NotifyActorsChangedOnlyWhenAccessChanges1764142310000 } from './1764142310000-NotifyActorsChangedOnlyWhenAccessChanges';
import { SortPetitionsAndMarkFinalRechecks1764200100000 } from './1764200100000-SortPetitionsAndMarkFinalRechecks';
import { MatchForumsByPartyKeyAndSameMatter1764200200000 } from './1764200200000-MatchForumsByPartyKeyAndSameMatter';
import { DecideJudicialConfirmationPerAgreementAtTheCourt1764200300000 } from './1764200300000-DecideJudicialConfirmationPerAgreementAtTheCourt';
import { NamePetitionProposalsAsTheContractDoes1764200400000 } from './1764200400000-NamePetitionProposalsAsTheContractDoes';
import { KeepPartyLookupCodesHashedAndCountTheirFailures1764200600000 } from './1764200600000-KeepPartyLookupCodesHashedAndCountTheirFailures';
import { SendPartiesSmsNoticesWithTheirConsent1764200700000 } from './1764200700000-SendPartiesSmsNoticesWithTheirConsent';
import { LetPartiesWithdrawSmsConsent1764201000000 } from './1764201000000-LetPartiesWithdrawSmsConsent';
import { GiveUnitsAPublicContactPhone1764201100000 } from './1764201100000-GiveUnitsAPublicContactPhone';
import { RecordConflictScreeningRoundsAndTheirItems1764300100000 } from './1764300100000-RecordConflictScreeningRoundsAndTheirItems';
import { GradeTheRiskOfCases1764300200000 } from './1764300200000-GradeTheRiskOfCases';
import { PlanAppointmentsWithRemindersAndCalendarFeeds1764300300000 } from './1764300300000-PlanAppointmentsWithRemindersAndCalendarFeeds';
import { IndexQuestionedHandOffsByHandingUnit1764300500000 } from './1764300500000-IndexQuestionedHandOffsByHandingUnit';
import { SearchCasesFromASideTableWithSingleCharacters1764400210000 } from './1764400210000-SearchCasesFromASideTableWithSingleCharacters';
import { KeepEachCaseScopesOnItsRow1764400220000 } from './1764400220000-KeepEachCaseScopesOnItsRow';
import { LeaseOutboxRowsToTheWorkerSendingThem1764400300000 } from './1764400300000-LeaseOutboxRowsToTheWorkerSendingThem';
import { WriteAnImportedCaseSearchRowOnceWithItsParties1764500200000 } from './1764500200000-WriteAnImportedCaseSearchRowOnceWithItsParties';
import { TakeEachSearchRowsScopesFromItsCase1764500210000 } from './1764500210000-TakeEachSearchRowsScopesFromItsCase';
import { KeepNoPlannerStatisticsOfCaseTexts1764500300000 } from './1764500300000-KeepNoPlannerStatisticsOfCaseTexts';
import { WalkUpTheUnitTreeForANewCasesScopes1764500310000 } from './1764500310000-WalkUpTheUnitTreeForANewCasesScopes';
import { NotifyWhenCaseViewsChange1764600100000 } from './1764600100000-NotifyWhenCaseViewsChange';
import { KeepEachSearchRowsHoldersAndOrder1764700100000 } from './1764700100000-KeepEachSearchRowsHoldersAndOrder';
import { IncludeReasonCodesInTheHandOffIndex1764800100000 } from './1764800100000-IncludeReasonCodesInTheHandOffIndex';
import { KeepTheCaseClocksLastDayWithItsClock1764900100000 } from './1764900100000-KeepTheCaseClocksLastDayWithItsClock';
import { CheckEveryCasesClockHasItsLastDay1764900110000 } from './1764900110000-CheckEveryCasesClockHasItsLastDay';
import { GuardTheCaseAnEventDecidedFromMemory1765000100000 } from './1765000100000-GuardTheCaseAnEventDecidedFromMemory';
import { OrderCasesByLastChangeBesideTheirRows1765000200000 } from './1765000200000-OrderCasesByLastChangeBesideTheirRows';

/**
 * Every migration, oldest first. Listed (not globbed) so that the app, the CLI and
 * the tests run exactly the same set whether they load TypeScript or compiled code.
 */
export const migrations = [
  CreateUnitTreeAndGrids1764140000000,
  CreateUsersSessionsTokensAndAuditLog1764140100000,
  CreateCasesPetitionsAndTheirEventChains1764140200000,
  CreateCaseAttachments1764140300000,
  CreateNotificationPreferencesAndDigests1764140400000,
  CreateDeadlineTimers1764140410000,
  InstallJobQueueSchema1764140420000,
  IndexCaseFiguresByRegistrationPeriod1764140900000,
  IndexCaseSearchByCharacterBigrams1764141000000,
  CoverHandOffFiguresByCase1764141100000,
  IndexAgreementFiguresByDayReached1764141200000,
  IndexDistrictCasesByLastChangeAndDueDate1764141300000,
  IndexCaseScopesByStateAndType1764141400000,
  NotifyWhenActorsChange1764141500000,
  PairCharactersInOneLoop1764141600000,
  IndexHandOffFiguresByDay1764141700000,
  IndexCaseSelectionForHandOffFigures1764141800000,
  ReinstallOutdatedJobQueueSchema1764141900000,
  CreateOfficialCalendarWithChangeNotices1764142000000,
  FillOfficialCalendarFromChineseDays1764142010000,
  RecordWhenApplicationsAreReceivedAndClaimsKnown1764142100000,
  KeyDepartmentsByTheBodyTheyAre1764142110000,
  GiveCaseSnapshotsTheRulesTheirStatechartNowReads1764142120000,
  AddChainDigestsAndKeyingRecord1764142200000,
  RecordSignedAuditCheckpoints1764142210000,
  MoveSignInBookkeepingOutOfUsers1764142300000,
  NotifyActorsChangedOnlyWhenAccessChanges1764142310000,
  SortPetitionsAndMarkFinalRechecks1764200100000,
  MatchForumsByPartyKeyAndSameMatter1764200200000,
  DecideJudicialConfirmationPerAgreementAtTheCourt1764200300000,
  NamePetitionProposalsAsTheContractDoes1764200400000,
  KeepPartyLookupCodesHashedAndCountTheirFailures1764200600000,
  SendPartiesSmsNoticesWithTheirConsent1764200700000,
  LetPartiesWithdrawSmsConsent1764201000000,
  GiveUnitsAPublicContactPhone1764201100000,
  RecordConflictScreeningRoundsAndTheirItems1764300100000,
  GradeTheRiskOfCases1764300200000,
  PlanAppointmentsWithRemindersAndCalendarFeeds1764300300000,
  IndexQuestionedHandOffsByHandingUnit1764300500000,
  SearchCasesFromASideTableWithSingleCharacters1764400210000,
  KeepEachCaseScopesOnItsRow1764400220000,
  LeaseOutboxRowsToTheWorkerSendingThem1764400300000,
  WriteAnImportedCaseSearchRowOnceWithItsParties1764500200000,
  TakeEachSearchRowsScopesFromItsCase1764500210000,
  KeepNoPlannerStatisticsOfCaseTexts1764500300000,
  WalkUpTheUnitTreeForANewCasesScopes1764500310000,
  NotifyWhenCaseViewsChange1764600100000,
  KeepEachSearchRowsHoldersAndOrder1764700100000,
  IncludeReasonCodesInTheHandOffIndex1764800100000,
  KeepTheCaseClocksLastDayWithItsClock1764900100000,
  CheckEveryCasesClockHasItsLastDay1764900110000,
  GuardTheCaseAnEventDecidedFromMemory1765000100000,
  OrderCasesByLastChangeBesideTheirRows1765000200000,
];
