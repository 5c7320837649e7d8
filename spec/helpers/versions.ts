// What the run claims to load (karma.conf.js, from ANGULAR and UI_ROUTER): specs for one ui-router major
// are defined only when that major is on the page; spec/versions.spec.ts checks the claim.
declare const __karma__: { config: { versions: { angular: string; uiRouter: string } } };

export const loadedVersions = __karma__.config.versions;
export const legacyUiRouter = loadedVersions.uiRouter.startsWith('0.');
