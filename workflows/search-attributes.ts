// Typed search attributes for ops queries (stage, prefecture, year, unit
// type, base status, the unit's name). LsUnitName is also what names a base
// in the Temporal UI's list once it has continued as new (its next runs have
// no static summary): a column of the list, and a filter
// (`LsUnitName = "赤水市"`) that finds the unit's application, base and rectifications. The dev server registers them at start; production
// registers them once with `temporal operator search-attribute create`.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const LsStage = defineSearchAttributeKey('LsStage', SearchAttributeType.KEYWORD);
export const LsPrefecture = defineSearchAttributeKey('LsPrefecture', SearchAttributeType.KEYWORD_LIST);
export const LsYear = defineSearchAttributeKey('LsYear', SearchAttributeType.INT);
export const LsUnitType = defineSearchAttributeKey('LsUnitType', SearchAttributeType.KEYWORD);
export const LsBaseStatus = defineSearchAttributeKey('LsBaseStatus', SearchAttributeType.KEYWORD);
export const LsUnitName = defineSearchAttributeKey('LsUnitName', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [LsStage, LsPrefecture, LsYear, LsUnitType, LsBaseStatus, LsUnitName];
