import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, CurrentPrincipal, type Principal } from '@okr/platform';
import { NOTIFICATIONS_SETTINGS, type NotificationsSettings } from '../notifications.config';
import { defaultPreferences, preferencesId } from '../planning/plan-deliveries';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { chatChannelOf, NotificationsStore, type PreferencesDoc } from '../store/notifications.store';
import { SECRET_BOX, SecretBox } from '../store/secret-box';
import { maskUrl, requireAllowedDestination } from './access';
import { PreferencesDto } from './notifications.dto';
import { PreferencesViewDto } from './responses.dto';

/** What the API shows of preferences: the chat URL is a secret, only its host is shown. */
const view = (p: PreferencesDoc, secrets: SecretBox) => {
  const chat = chatChannelOf(p);
  return {
  userId: p.userId,
  timeZone: p.timeZone,
  mutedRules: p.mutedRules,
  quietHours: p.quietHours,
  digest: p.digest,
  digestAt: p.digestAt,
  email: p.email,
  chat: chat ? { format: chat.format, url: maskUrl(secrets.open(chat.url)) } : null,
  updatedAt: p.updatedAt,
  };
};

/**
 * A person's notification preferences: channels (in-app always; email; a Slack / Teams incoming
 * webhook), muted rules, quiet hours in their time zone, a daily digest instead of single messages.
 */
@ApiTags('preferences')
@ApiBearerAuth()
@Controller('api/v1/preferences')
export class PreferencesHttpController {
  constructor(
    private readonly store: NotificationsStore,
    private readonly recorder: DeliveryRecorder,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  @Get()
  @Permission('tenant:read')
  @ApiOperation({ summary: "The caller's preferences (defaults when never set)" })
  @ApiOkResponse({ type: PreferencesViewDto })
  async get(@CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    const found = await c.preferences.findOne({ _id: preferencesId(principal.tenantId, principal.userId) });
    return view(found ?? defaultPreferences(principal.tenantId, principal.userId), this.secrets);
  }

  @Put()
  @Permission('self:write')
  @ApiOperation({
    summary: "Replace the caller's preferences; a field left out takes its default, except `chat` which stays as it was when omitted",
  })
  @ApiOkResponse({ type: PreferencesViewDto, description: 'The preferences now' })
  async put(@Body() body: PreferencesDto, @CurrentPrincipal() principal: Principal) {
    if (body.chat) await requireAllowedDestination(body.chat.url, 'chat.url', { allowPrivate: this.settings.allowPrivateDestinations });
    const c = await this.store.collections();
    const _id = preferencesId(principal.tenantId, principal.userId);
    const current = (await c.preferences.findOne({ _id })) ?? defaultPreferences(principal.tenantId, principal.userId);
    const next: PreferencesDoc = {
      _id,
      tenantId: principal.tenantId,
      userId: principal.userId,
      timeZone: body.timeZone ?? 'UTC',
      mutedRules: body.mutedRules ?? [],
      quietHours: body.quietHours ? { start: body.quietHours.start, end: body.quietHours.end } : null,
      digest: body.digest ?? false,
      digestAt: body.digestAt ?? '09:00',
      email: body.email ?? null,
      // The chat URL is never returned, so a client cannot send it back: omitted = unchanged.
      chat: body.chat === undefined ? chatChannelOf(current) : body.chat === null ? null : { url: this.secrets.seal(body.chat.url), format: body.chat.format },
      updatedAt: new Date().toISOString(),
    };
    await this.store.store.withTransaction(async (session) => {
      await c.preferences.updateOne({ _id }, { $set: next }, { upsert: true, session });
      if (current.digest && !next.digest) {
        // Leaving the digest: what was held for it goes out now, one by one.
        await c.deliveries.bulkWrite(
          [
            {
              updateMany: {
                filter: { tenantId: principal.tenantId, recipient: principal.userId, status: 'held' },
                update: { $set: { status: 'pending', reason: 'released from the digest', nextAttemptAt: next.updatedAt } },
              },
            },
          ],
          session,
        );
      }
    });
    if (current.digest && !next.digest) this.recorder.notifyRecorded();
    return view(next, this.secrets);
  }
}
