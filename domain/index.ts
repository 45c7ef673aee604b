// The regulation as pure rules: no I/O, no clock, deterministic, so that the
// workflows (bundled by Temporal) and the API import the same decisions.
export * from './problems';
export * from './dates';
export * from './prefectures';
export * from './names';
export * from './roles';
export * from './stages';
export * from './submission-path';
export * from './scope';
export * from './payloads';
export * from './calendar';
export * from './calendar-defaults';
export * from './notice';
export * from './deadlines';
export * from './complaints';
export * from './chase';
export * from './materials';
export * from './sanctions';
export * from './transitions';
export * from './ls-index/catalogue';
export * from './ls-index/evaluate';
export * from './ls-index/values';
export * from './rules-doc';
