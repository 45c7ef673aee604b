// Deadline feeds (issue 17.5, docs/DASHBOARD.md "Deadline feeds"): a
// signed-in office or unit creates a feed of its own deadlines and gets, once,
// an address with a secret in it that any calendar program can subscribe to
// without signing in; only the secret's sha256 is kept, so the address cannot
// be shown again, and revoking the feed ends it (404 from then on). Creating
// and revoking are acts of record (audit log), idempotent by the client's
// requestId and by the feed's id.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { recordAct } from '../activities/record-act';
import { DEFAULT_PUBLIC_URL, pageUrl } from '../activities/mail-templates';
import type { Db } from '../infra/database';
import { actGateway, appliedByApi } from './acts';
import { attempt } from './audit-refusals';
import { feedEvents, feedNameZh, renderFeed } from './calendar-feed-ics';
import { notFound } from './errors';
import { route } from './openapi';
import { decisionIdSchema, parseBody } from './validation';

export const FEED_ROLES = ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert'] as const;
/** Where a feed is read: the secret is the last segment (never logged by name: api/observability.ts logs the route's pattern). */
const ICS_PATH = '/calendar-feeds/ics';

const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
const createdActId = (requestId: string) => `calendarFeedCreated/${requestId}`;

const createSchema = z.strictObject({
  requestId: decisionIdSchema.meta({ description: 'The client’s id of this creation: the same requestId again creates nothing and answers the feed it created, without its address (shown once only)' }),
});
const feedView = z.looseObject({ id: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() });
const createdView = feedView.extend({
  url: z.string().nullable().meta({ description: 'The subscription address with its secret: given once, when the feed is created; null when the same requestId comes again' }),
});

type FeedRow = { id: string; createdAt: Date; revokedAt: Date | null };
const view = (f: FeedRow) => ({ id: f.id, createdAt: f.createdAt.toISOString(), revokedAt: f.revokedAt?.toISOString() ?? null });

export function calendarFeedsRouter(deps: { db: Db; clock: () => Date; publicUrl?: string | undefined }): { authed: Router; open: Router } {
  const publicUrl = deps.publicUrl ?? DEFAULT_PUBLIC_URL;
  const authed = Router();
  const open = Router();
  const acts = actGateway(deps);

  route(authed, {
    method: 'post', path: '/calendar-feeds', auth: 'bearer', roles: FEED_ROLES, body: createSchema, errors: [403, 409],
    summary: 'Create a deadline feed (iCalendar) of the caller’s own scope; its address, with a secret, is answered once',
    responses: {
      201: { description: 'created: the address to subscribe to, shown this once', schema: createdView },
      200: { description: 'the same requestId again: the feed it created, without the address', schema: createdView },
    },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'calendar', subjectId: 'new', action: 'createCalendarFeed' });
    const { requestId } = parseBody(createSchema, req.body);
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const feed = { id, tokenHash: hashOf(secret), ownerSub: actor.sub, role: actor.role, prefecture: actor.prefecture ?? null };
    const created = await acts.act({
      req, id: requestId, idField: 'requestId', action: 'calendarFeedCreated', recordedAs: createdActId(requestId),
      isSame: ([row]) => row!.action === 'calendarFeedCreated' && row!.actorSub === actor.sub,
      answerRecorded: ([row]) => deps.db.calendarFeed.findUniqueOrThrow({ where: { id: row!.subjectId } }),
      via: {
        // The audit entry names the feed and its scope, never the secret nor its hash.
        apply: () => recordAct(deps.db, {
          audit: { ...appliedByApi(actor, { subjectType: 'calendar', subjectId: id, action: 'calendarFeedCreated', payload: { role: feed.role, prefecture: feed.prefecture } }, deps.clock()), decisionId: createdActId(requestId) },
          changes: [{ kind: 'calendarFeedCreated', feed }],
        }),
      },
    });
    // The same requestId again, or a concurrent request with it that recorded its own feed first: this secret was never kept.
    res.status(created.id === id ? 201 : 200).json({ ...view(created), url: created.id === id ? pageUrl(publicUrl, `/api${ICS_PATH}/${secret}`) : null });
  });

  route(authed, {
    method: 'get', path: '/calendar-feeds', auth: 'bearer', roles: FEED_ROLES, summary: 'The caller’s deadline feeds (without their addresses)',
    responses: { 200: { description: 'the caller’s feeds, newest first, revoked ones too', schema: z.looseObject({ feeds: z.array(feedView) }) } },
  }, async (req, res) => {
    const feeds = await deps.db.calendarFeed.findMany({ where: { ownerSub: req.actor!.sub, role: req.actor!.role }, orderBy: { createdAt: 'desc' }, take: 100 });
    res.json({ feeds: feeds.map(view) });
  });

  route(authed, {
    method: 'delete', path: '/calendar-feeds/:id', auth: 'bearer', roles: FEED_ROLES, errors: [403],
    summary: 'Revoke one of the caller’s deadline feeds: its address answers 404 from now on (revoking again changes nothing)',
    responses: { 200: { description: 'revoked (or already revoked)', schema: feedView } },
  }, async (req, res) => {
    const actor = req.actor!;
    const id = String(req.params.id);
    attempt(req, { subjectType: 'calendar', subjectId: id.slice(0, 200), action: 'revokeCalendarFeed' });
    const feed = await deps.db.calendarFeed.findUnique({ where: { id } });
    // Another person's feed does not exist for the caller.
    if (!feed || feed.ownerSub !== actor.sub || feed.role !== actor.role) throw notFound();
    if (!feed.revokedAt) {
      const at = deps.clock();
      const audit = { ...appliedByApi(actor, { subjectType: 'calendar', subjectId: id, action: 'calendarFeedRevoked', payload: {} }, at), decisionId: `calendarFeedRevoked/${id}` };
      await recordAct(deps.db, { audit, changes: [{ kind: 'calendarFeedRevoked', id, revokedAt: at.toISOString() }] });
    }
    res.json(view(await deps.db.calendarFeed.findUniqueOrThrow({ where: { id } })));
  });

  route(open, {
    method: 'get', path: `${ICS_PATH}/:secret`, auth: 'public', roles: ['public'],
    summary: 'A deadline feed as iCalendar (text/calendar), for calendar programs: no sign-in, the secret in the address is the key; 404 once revoked',
    responses: { 200: { description: 'the feed', mediaTypes: ['text/calendar; charset=utf-8'] } },
  }, async (req, res) => {
    const secret = String(req.params.secret);
    attempt(req, { subjectType: 'route', subjectId: `/api${ICS_PATH}/:secret`, action: 'read' });
    const feed = secret.length >= 20 && secret.length <= 100 ? await deps.db.calendarFeed.findUnique({ where: { tokenHash: hashOf(secret) } }) : null;
    if (!feed || feed.revokedAt) throw notFound('没有这个日历订阅，或已被撤销');
    const now = deps.clock();
    const text = renderFeed(feedNameZh(feed), await feedEvents(deps.db, feed, publicUrl, now), now);
    res.set('cache-control', 'private, max-age=300');
    res.type('text/calendar; charset=utf-8').send(text);
  });

  return { authed, open };
}
