export { ReportService, lastPeriod, type ReportServiceOptions } from './service';
export { scheduleReports } from './job';
export { reportHtml, reportText, reportSubject, type ReportData } from './render';
export { barChartPng, barLayout, CHART_BASELINE, CHART_CID, CHART_HEIGHT, CHART_WIDTH } from './chart';
