/**
 * Drill reports from any stack that uses VmRestore: build one from `pulumi stack export` JSON,
 * verify cleanup through the provider's own API, merge shards, and write JSON, JUnit and Markdown.
 */
export {
    CleanupResult,
    DrillReport,
    REPORT_SCHEMA,
    RestoreReport,
    StackExport,
    drillReport,
    mergeReports,
    vmRestoresIn,
    reportFromStackExport,
    restoreReportOf,
    restoresFromStackExport,
    withCleanup,
} from "./drill-report";
export {
    REPORT_FILES,
    ensureWritableReportDir,
    renderJson,
    renderJunit,
    renderMarkdown,
    renderTimelineSvg,
    summaryLine,
    writeDrillReport,
} from "./render";
export { plainValue, verifyCleanup } from "./cleanup";
