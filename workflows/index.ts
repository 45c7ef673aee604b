// Every workflow the worker registers.
export { applicationWorkflow } from './application';
export { noticeWorkflow } from './notice';
export { acceptanceWindowNoticeWorkflow } from './acceptance-window';
export { historyArchiveWorkflow } from './history-archive';
export { baseWorkflow } from './base';
export { resendNotificationWorkflow } from './resend-notification';
export { rectificationWorkflow } from './rectification';
