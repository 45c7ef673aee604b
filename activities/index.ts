// Side effects of the workflows: the read model, the audit log, the outbox,
// and the working-day calendar. Built by one factory so tests and processes
// inject their own parts (a real database and SMTP server in tests).
// Every write is keyed by an id the workflow supplies: a retry is a no-op.
import type { Client } from '@temporalio/client';
import type { DueDate } from '../domain/deadlines';
import { PREFECTURE_CODES } from '../domain/prefectures';
import { officeNameFor } from '../domain/offices';
import { deadlineIsProvisional } from '../domain/provisional-calendar';
import { PROVINCE_CODE } from '../domain/regions';
import type { Db } from '../infra/database';
import type { DueDateCalendar } from './calendar';
import { loadSchedulePublication } from './calendar-publication';
import type { Mailer } from './mailer';
import { DEFAULT_PUBLIC_URL, renderMail, type TemplateName, type TemplateParams } from './mail-templates';
import { createHistoryArchiveActivities } from './history-archive';
import { createBaseActivities } from './bases';
import { createNoticeActivities } from './notices';
import { enqueueAndSend, resend, type DeliveryResult } from './outbox';
import { recordAct, type ActRecord } from './record-act';


export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  mailFrom: string;
  /** The console's address (PUBLIC_URL, infra/config.ts): every mail links to its page there. Default http://localhost:3000. */
  publicUrl?: string;
  calendar: DueDateCalendar;
  /** For the history archive (activities/history-archive.ts); the worker passes its client. */
  temporal?: Client;
}

export interface ApplicationRecord {
  id: string;
  workflowId: string;
  year: number;
  unit: { name: string; type: string; prefectures: string[]; terrain?: string | undefined };
  applicant: { name: string; contactEmail: string; sub: string };
  materials: unknown;
  stage: string;
  submittedAt: string;
  /**
   * Art. 11: `province`, or the code of the prefecture that takes the
   * prefecture steps (domain/submission-path.ts submissionPath). Absent in
   * runs started before it was recorded: derived from the prefectures then.
   */
  submitVia?: string;
}

export interface TaskRecord {
  id: string;
  workflowId: string;
  subjectType: 'application' | 'base';
  subjectId: string;
  step: string;
  role: string;
  prefecture: string | null;
  assigneeSub?: string | null;
  dueAt: string;
}

/** A mail goes to an address, or to the office mailbox of a role in a region. */
export type Recipient = { email: string } | { role: string; prefecture: string | null };

export interface NotifyRequest<T extends TemplateName = TemplateName> {
  subjectId: string;
  /** Unique per subject: the same key is sent once, whatever the retries. */
  key: string;
  to: Recipient[];
  template: T;
  params: TemplateParams<T>;
}

/**
 * Who hears of the acceptance window: a prefecture's office (its mailbox is
 * looked up when the mail is sent, so an office without one is recorded
 * undeliverable), or a registered applicant by address.
 */
export type AcceptanceWindowRecipient =
  | { id: string; name: string; audience: 'prefecture'; office: string }
  | { id: string; name: string; audience: 'applicant'; email: string };

export function createActivities(deps: ActivityDeps) {
  const { db } = deps;

  /**
   * The addresses a mail goes to, and the offices it is for that have no
   * mailbox in the directory (recorded undeliverable by the outbox, never
   * dropped). An office is the province's for province roles, else the
   * region's (a prefecture, or a county where one is used).
   */
  async function resolveRecipients(to: Recipient[]): Promise<{ emails: string[]; unreachable: Array<{ region: string; name: string }> }> {
    const emails = new Set<string>();
    const unreachable = new Map<string, string>();
    for (const r of to) {
      if ('email' in r) {
        emails.add(r.email);
        continue;
      }
      const region = r.prefecture ?? PROVINCE_CODE;
      const office = await db.office.findUnique({ where: { region } });
      if (office?.email) emails.add(office.email);
      else unreachable.set(region, office?.name ?? officeNameFor(region));
    }
    return { emails: [...emails], unreachable: [...unreachable].map(([region, name]) => ({ region, name })) };
  }

  return {
    // Public notices and complaints (workflows/notice.ts).
    ...createNoticeActivities(db),
    ...createBaseActivities(db),
    // Closed runs' histories kept in PostgreSQL (workflows/history-archive.ts).
    ...createHistoryArchiveActivities({ db, temporal: deps.temporal }),

    /** The submission (Art. 7, 12): the Application row and its audit entry, one act (activities/record-act.ts). */
    async recordApplication(app: ApplicationRecord): Promise<void> {
      await recordAct(db, {
        audit: {
          decisionId: `submit.${app.id}`,
          subjectType: 'application',
          subjectId: app.id,
          applicationId: app.id,
          workflowId: app.workflowId,
          action: 'submit',
          actorSub: app.applicant.sub,
          actorRole: 'applicant',
          actorPrefecture: app.unit.prefectures.length === 1 ? (app.unit.prefectures[0] ?? null) : null,
          payload: { year: app.year, unit: app.unit, materials: app.materials, ...(app.submitVia ? { submitVia: app.submitVia } : {}) },
          outcome: 'applied',
          resultStage: app.stage,
          at: app.submittedAt,
        },
        changes: [{ kind: 'applicationSubmitted', application: app }],
      });
    },

    /** Every act of record and the system's own moves: one transaction each (activities/record-act.ts). */
    async recordAct(act: ActRecord): Promise<void> {
      await recordAct(db, act);
    },

    /** Due date N working days after `from` (domain/deadlines.ts), with its reminder instant. */
    async dueAfterWorkingDays(input: { from: string; workingDays: number }): Promise<DueDate> {
      return deps.calendar.dueAfterWorkingDays(new Date(input.from), input.workingDays);
    },

    async openTask(task: TaskRecord): Promise<void> {
      await db.task.upsert({
        where: { id: task.id },
        create: {
          id: task.id,
          workflowId: task.workflowId,
          subjectType: task.subjectType,
          subjectId: task.subjectId,
          applicationId: task.subjectType === 'application' ? task.subjectId : null,
          step: task.step,
          role: task.role,
          prefecture: task.prefecture,
          assigneeSub: task.assigneeSub ?? null,
          dueAt: new Date(task.dueAt),
        },
        update: {},
      });
    },

    /** Raises the level only forward, so a retried escalation is a no-op. */
    async escalateTask(input: { taskId: string; level: number; dueAt: string }): Promise<void> {
      await db.task.updateMany({
        where: { id: input.taskId, status: 'open', escalationLevel: { lt: input.level } },
        data: { escalationLevel: input.level, dueAt: new Date(input.dueAt) },
      });
    },

    /** The experts' contact and conflict data, for assignment mails and checks. */
    async loadExperts(ids: string[]): Promise<Array<{ id: string; name: string; email: string; region: string | null; active: boolean }>> {
      return db.expert.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true, region: true, active: true } });
    },

    /**
     * Who hears about the acceptance window (Art. 11): every prefecture
     * office and every registered applicant, in a stable order. The id names
     * the recipient in the outbox key, so each is mailed once per notice.
     */
    async listAcceptanceWindowRecipients(): Promise<AcceptanceWindowRecipient[]> {
      const [offices, applicants] = await Promise.all([
        db.office.findMany({ where: { region: { in: [...PREFECTURE_CODES] } }, orderBy: { region: 'asc' } }),
        db.registeredApplicant.findMany({ orderBy: { sub: 'asc' } }),
      ]);
      return [
        // Every prefecture, with a mailbox or not: one without is recorded undeliverable, not skipped.
        ...PREFECTURE_CODES.map((region) => ({
          id: `mailbox:prefecture-${region}`,
          name: offices.find((o) => o.region === region)?.name ?? officeNameFor(region),
          audience: 'prefecture' as const,
          office: region,
        })),
        ...applicants.map((a) => ({ id: `applicant:${a.sub}`, name: a.name, email: a.email, audience: 'applicant' as const })),
      ];
    },

    /** Ops' retry of one mail, or its re-send to corrected addresses (POST /api/ops/notifications/:id/resend, activities/outbox.ts resend); null if there is no such mail. */
    async resendNotification(request: { id: string; to?: string[] | undefined; requestId?: string | undefined }): Promise<DeliveryResult | null> {
      return resend(db, deps.mailer, deps.mailFrom, request.id, request.to, request.requestId);
    },

    async notify(request: NotifyRequest): Promise<DeliveryResult> {
      // The link is built here from the subject, so runs recorded before mails had links get one too.
      // A due date counted on a year whose holiday schedule is not known yet says so (domain/provisional-calendar.ts).
      const dueAt = (request.params as { dueAt?: unknown }).dueAt;
      const provisionalDeadline = typeof dueAt === 'string' && deadlineIsProvisional(dueAt, new Date(), (await loadSchedulePublication(db)).published);
      const rendered = renderMail(request.template, request.params, { publicUrl: deps.publicUrl ?? DEFAULT_PUBLIC_URL, subjectId: request.subjectId, provisionalDeadline });
      const { emails, unreachable } = await resolveRecipients(request.to);
      return enqueueAndSend(db, deps.mailer, deps.mailFrom, {
        subjectId: request.subjectId,
        key: request.key,
        to: emails,
        unreachable,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
