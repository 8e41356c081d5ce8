export { installAuditHooks, recordAudit } from './hook';
export { AUDIT_RULES, ruleIndex, type AuditRule, type OrgSource } from './rules';
export { toCsv, csvField } from './csv';
