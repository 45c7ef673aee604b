// Side effects of the notice workflow (workflows/notice.ts): its window over
// the working-day calendar as the database has it, the Notice row the public
// board reads, and the Complaint rows (their investigations are acts of
// record: activities/record-act.ts). Every write is keyed by an id the
// workflow supplies, so a retried activity is a no-op.
import { noticeWindow } from '../domain/notice';
import type { Db } from '../infra/database';
import { loadDbCalendar } from './calendar';

export interface NoticeWindowView {
  opensAt: string;
  closesAt: string;
  /** YYYY-MM-DD (CST) of the first and last working day counted. */
  firstDay: string;
  lastDay: string;
  provisional: boolean;
}

export interface NoticeRecord {
  id: string;
  workflowId: string;
  applicationId: string;
  level: 'prefecture' | 'province';
  /** The prefecture running a prefecture notice; null for the province. */
  prefecture: string | null;
  workingDays: number;
  opensAt: string;
  closesAt: string;
  provisional: boolean;
  status: 'scheduled' | 'open' | 'closed';
  outcome: 'clear' | 'stopped' | null;
  closedAt: string | null;
  /** What the public board shows. */
  summary: { unitName: string; unitType: string; year: number; prefectures: string[] };
}

export interface ComplaintRecord {
  id: string;
  noticeId: string;
  complainant: { name: string; contact: string };
  content: string;
  receivedAt: string;
}

export interface InvestigationRecord {
  complaintId: string;
  decisionId: string;
  investigatedBy: string;
  at: string;
  /** An outcome closes the complaint; a delegation only names the prefecture now in charge. */
  outcome?: string;
  findings?: string;
  delegatedTo?: string;
}

export function createNoticeActivities(db: Db) {
  return {
    /** domain noticeWindow over the calendar in the database at this moment. */
    async computeNoticeWindow(input: { publishedAt: string; workingDays: number }): Promise<NoticeWindowView> {
      const w = noticeWindow(await loadDbCalendar(db), input.publishedAt, input.workingDays);
      return { opensAt: w.opensAt, closesAt: w.closesAt, firstDay: w.firstDay, lastDay: w.lastDay, provisional: w.provisional };
    },

    /**
     * Creates the Notice row or brings it up to date. The workflow calls it
     * from its main line only, one call at a time, so the last call wins and
     * a retried call writes the same values again.
     */
    async recordNotice(notice: NoticeRecord): Promise<void> {
      const mutable = {
        opensAt: new Date(notice.opensAt),
        closesAt: new Date(notice.closesAt),
        provisional: notice.provisional,
        status: notice.status,
        outcome: notice.outcome,
        closedAt: notice.closedAt ? new Date(notice.closedAt) : null,
      };
      await db.notice.upsert({
        where: { id: notice.id },
        create: {
          id: notice.id,
          workflowId: notice.workflowId,
          applicationId: notice.applicationId,
          level: notice.level,
          prefecture: notice.prefecture,
          workingDays: notice.workingDays,
          summary: notice.summary,
          ...mutable,
        },
        update: mutable,
      });
    },

    /** Once per complaint id: a retried activity finds the row. */
    async recordComplaint(complaint: ComplaintRecord): Promise<void> {
      await db.complaint.createMany({
        data: [{
          id: complaint.id,
          noticeId: complaint.noticeId,
          complainantName: complaint.complainant.name,
          complainantContact: complaint.complainant.contact,
          content: complaint.content,
          receivedAt: new Date(complaint.receivedAt),
        }],
        skipDuplicates: true,
      });
    },
  };
}
