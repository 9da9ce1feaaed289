/**
 * The judged finding: what rules and triage made of each finding, stored with it so every output
 * reads one view; why a closed finding closed; the flagged line's own text for code identity.
 */
export const sql = `
-- Severity after set-severity rules (NULL: the finding's own).
ALTER TABLE findings ADD COLUMN severity TEXT;
-- CWE categories (JSON array).
ALTER TABLE findings ADD COLUMN categories TEXT;
-- What the rules made of it at its latest run (JSON SuppressionRecord), kept apart from triage so
-- that a later triage decision can be judged without the rules.
ALTER TABLE findings ADD COLUMN rule_suppression TEXT;
-- The suppression in force (JSON SuppressionRecord: rule, triage or in-source), and the instant
-- (ms since epoch) it ends; NULL when it has no end. Readers drop a suppression that has ended.
ALTER TABLE findings ADD COLUMN suppression TEXT;
ALTER TABLE findings ADD COLUMN suppressed_until INTEGER;
-- The triage decision in force (JSON TriageRecord): the finding's own, else a fleet decision.
ALTER TABLE findings ADD COLUMN triage TEXT;
-- 'fixed' or 'withdrawn' when state = 'fixed'.
ALTER TABLE findings ADD COLUMN closed_reason TEXT;
-- Code findings: hash of the flagged line's own text, whitespace removed.
ALTER TABLE findings ADD COLUMN line_key TEXT;
CREATE INDEX findings_by_line_key ON findings(target, line_key);
`;
