export { ReportService, lastPeriod, type ReportServiceOptions } from './service';
export { scheduleReports } from './job';
export { reportHtml, reportText, reportSubject, type ReportData } from './render';
