// Deadline feeds over HTTP (issue 17.5): a prefecture officer creates a feed,
// fetches it without signing in and parses it back with node-ical (a parser
// calendar tools use, independent of the generator): the office's open task,
// the notice's closing at its instant in Asia/Shanghai, a base's summary,
// post-evaluation and term-end dates, stable UIDs; the same requestId creates
// nothing twice; the list never shows the address; another officer cannot
// revoke it; revoked, the address answers 404. Both acts are in the audit log.
import { randomUUID } from 'node:crypto';
import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import type { Actor } from '../../workflows/messages';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

let harness: Harness;
let api: string;
const NOW = new Date('2027-03-10T10:00:00+08:00');
const PUBLIC_URL = 'https://liangshan.example.gov.cn/console';

const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const zunyiColleague: Actor = { sub: 'zunyi-officer-2', role: 'prefectureOfficer', prefecture: '520300' };

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
async function call(method: string, url: string, actor?: Actor, body?: unknown): Promise<{ status: number; body: Body; text: string; type: string | null }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (actor) headers.authorization = `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}`;
  const res = await fetch(api + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: Body = {};
  try {
    parsed = JSON.parse(text) as Body;
  } catch {
    // text/calendar
  }
  return { status: res.status, body: parsed, text, type: res.headers.get('content-type') };
}

beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'calendar-feeds-http' });
  api = await harness.listen({ clock: () => NOW, publicUrl: PUBLIC_URL });
  const db = harness.database.db;
  await db.application.create({
    data: {
      id: 'a1', workflowId: 'application-a1', year: 2027, unitName: '仁怀市', unitType: 'county', prefectures: ['520300'], applicantName: '仁怀市人民政府',
      applicantSub: 'applicant-a1', contactEmail: 'a1@unit.example', materials: [], stage: 'prefectureNotice', submittedAt: new Date('2027-02-01T02:00:00Z'),
    },
  });
  await db.task.createMany({
    data: [
      { id: 't1', workflowId: 'application-a1', subjectType: 'application', subjectId: 'a1', applicationId: 'a1', step: 'prefectureRecommendation', role: 'prefectureOfficer', prefecture: '520300', dueAt: new Date('2027-03-24T16:00:00Z') },
      // Another prefecture's task is not in 遵义市's feed.
      { id: 't2', workflowId: 'application-a2', subjectType: 'application', subjectId: 'a2', step: 'prefectureReview', role: 'prefectureOfficer', prefecture: '520100', dueAt: new Date('2027-03-24T16:00:00Z') },
    ],
  });
  await db.notice.create({
    data: {
      id: 'application-a1:notice:prefecture', workflowId: 'application-a1-notice-prefecture', applicationId: 'a1', level: 'prefecture', prefecture: '520300', workingDays: 5,
      opensAt: new Date('2027-03-08T01:00:00Z'), closesAt: new Date('2027-03-12T16:00:00Z'), status: 'open', summary: { unitName: '仁怀市', unitType: 'county', year: 2027, prefectures: ['520300'] },
    },
  });
  await db.base.create({
    data: {
      id: 'b1', workflowId: 'base-b1', unitName: '赤水市', unitType: 'county', prefectures: ['520300'], applicantSub: 'applicant-b1', contactEmail: 'b1@unit.example',
      status: 'named', namedOn: '2024-07-01', termStartsOn: '2024-07-01', termEndsOn: '2027-06-30',
    },
  });
});
afterAll(() => harness?.stop());

describe('deadline feeds over HTTP', () => {
  it('creates a feed once, serves it as iCalendar in Asia/Shanghai, and ends it when revoked', async () => {
    const requestId = `feed-${randomUUID()}`;
    const created = await call('POST', '/api/calendar-feeds', zunyi, { requestId });
    expect(created.status).toBe(201);
    expect(created.body.url).toMatch(/^https:\/\/liangshan\.example\.gov\.cn\/console\/api\/calendar-feeds\/ics\/[A-Za-z0-9_-]{43}$/);
    const url = new URL(created.body.url as string);
    const path = url.pathname.replace(/^\/console/, '');
    // Only the hash of the secret is stored.
    const secret = path.split('/').at(-1)!;
    const row = await harness.database.db.calendarFeed.findUniqueOrThrow({ where: { id: created.body.id as string } });
    expect(row).toMatchObject({ ownerSub: zunyi.sub, role: 'prefectureOfficer', prefecture: '520300', revokedAt: null });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toContain(secret);

    // The same requestId again: the same feed, no second one, no address.
    const again = await call('POST', '/api/calendar-feeds', zunyi, { requestId });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: created.body.id, url: null });
    expect(await harness.database.db.calendarFeed.count({ where: { ownerSub: zunyi.sub } })).toBe(1);
    const listed = await call('GET', '/api/calendar-feeds', zunyi);
    expect(listed.body.feeds).toEqual([{ id: created.body.id, createdAt: expect.any(String), revokedAt: null }]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const feed = await call('GET', path);
    expect(feed.status).toBe(200);
    expect(feed.type).toBe('text/calendar; charset=utf-8');
    expect(feed.text).toContain('BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai');
    const events = Object.values(ical.sync.parseICS(feed.text)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
    const byUid = Object.fromEntries(events.map((e) => [e.uid, e]));
    expect(Object.keys(byUid).sort()).toEqual([
      'evaluation-b1-1@liangshan', 'notice-application-a1:notice:prefecture-closes@liangshan', 'summary-prefectureOfficer-520300-2027@liangshan',
      'task-t1@liangshan', 'term-end-b1-1@liangshan',
    ]);
    const task = byUid['task-t1@liangshan']!;
    expect(task.summary).toBe('截止：市（州）推荐（仁怀市）');
    expect(task.datetype).toBe('date');
    // Due at 24:00 CST on 24 March: an all-day event on 24 March.
    expect(feed.text).toMatch(/UID:task-t1@liangshan[\s\S]*?DTSTART;VALUE=DATE:20270324/);
    expect(feed.text).toContain(`URL;VALUE=URI:${PUBLIC_URL}/applications/a1`);
    const notice = byUid['notice-application-a1:notice:prefecture-closes@liangshan']!;
    expect(notice.summary).toBe('市（州）公示截止：仁怀市');
    expect(notice.start.tz).toBe('Asia/Shanghai');
    expect(notice.end?.toISOString()).toBe('2027-03-12T16:00:00.000Z');
    expect(feed.text).toContain('DTEND;TZID=Asia/Shanghai:20270313T000000');
    expect(byUid['summary-prefectureOfficer-520300-2027@liangshan']!.summary).toBe('2027年度工作总结截止（1个基地）');
    expect(byUid['evaluation-b1-1@liangshan']!.summary).toBe('后评估开始：赤水市');
    expect(feed.text).toMatch(/UID:evaluation-b1-1@liangshan[\s\S]*?DTSTART;VALUE=DATE:20270402/);
    expect(feed.text).toMatch(/UID:term-end-b1-1@liangshan[\s\S]*?DTSTART;VALUE=DATE:20270630/);
    // Fetched again, the same UIDs: a calendar updates its events rather than adding them twice.
    const second = Object.values(ical.sync.parseICS((await call('GET', path)).text)).filter((c) => c?.type === 'VEVENT').map((e) => (e as ical.VEvent).uid);
    expect(second.sort()).toEqual(Object.keys(byUid).sort());

    // Someone else's feed does not exist for them; the owner revokes it, twice changes nothing, and the address is gone.
    expect((await call('DELETE', `/api/calendar-feeds/${created.body.id}`, zunyiColleague)).status).toBe(404);
    const revoked = await call('DELETE', `/api/calendar-feeds/${created.body.id}`, zunyi);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBe(NOW.toISOString());
    expect((await call('DELETE', `/api/calendar-feeds/${created.body.id}`, zunyi)).status).toBe(200);
    const gone = await call('GET', path);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe('没有这个日历订阅，或已被撤销');
    expect((await call('GET', '/api/calendar-feeds/ics/not-a-feed-secret-at-all-0123')).status).toBe(404);

    // Both acts are in the audit log, without the secret.
    const acts = await harness.database.db.decision.findMany({ where: { subjectId: created.body.id as string, outcome: 'applied' }, orderBy: { seq: 'asc' } });
    expect(acts.map((a) => [a.action, a.actorSub])).toEqual([['calendarFeedCreated', zunyi.sub], ['calendarFeedRevoked', zunyi.sub]]);
    const logged = JSON.stringify(acts.map(({ seq: _seq, ...a }) => a));
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain(row.tokenHash);
  });
});
