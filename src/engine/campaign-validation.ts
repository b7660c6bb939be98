import type { Audience, SenderStrategy } from '../domain/campaign.ts';
import { type FieldError, KurirError } from '../domain/errors.ts';
import { type MediaProbe, mediaLimitsFor, mediaTypes } from '../domain/media.ts';
import type { PacingInput } from '../domain/pacing/pacing-policy.ts';
import { isValidZone, minutesOfDay, type SendWindow } from '../domain/pacing/send-window.ts';
import type { SenderDriverKind } from '../domain/sender.ts';
import type { Attachment, Template } from '../domain/template.ts';
import { audienceFilter } from '../store/audience-expansion.ts';
import type { Store } from '../store/store.ts';

export interface CampaignDefinition {
  name: string;
  templateId: string;
  audience: Audience;
  senderIds: string[];
  senderStrategy: SenderStrategy;
  pacing: PacingInput;
  window: SendWindow | null;
  startAt: number | null;
}

/**
 * Checks that a campaign can run as defined, naming every problem with its place: the
 * template and senders exist in the workspace, listed contacts exist, the pacing and
 * window make sense. Schema validation has already checked types and ranges.
 */
export async function checkDefinition(
  store: Store,
  workspaceId: string,
  d: CampaignDefinition,
): Promise<Template> {
  const errors: FieldError[] = [];
  const template = await store.templates.get(workspaceId, d.templateId);
  if (template === null)
    errors.push({ pointer: '/templateId', detail: 'is not a template of this workspace' });
  if (new Set(d.senderIds).size !== d.senderIds.length)
    errors.push({ pointer: '/senderIds', detail: 'lists a sender twice' });
  let cloudApi = false;
  for (const [i, id] of d.senderIds.entries()) {
    const sender = await store.senders.get(workspaceId, id);
    if (sender === null)
      errors.push({ pointer: `/senderIds/${i}`, detail: 'is not a sender of this workspace' });
    else if (sender.driver === 'cloud-api') cloudApi = true;
  }
  if (cloudApi && template !== null && !template.whatsappTemplate) {
    errors.push({
      pointer: '/templateId',
      detail:
        'a campaign on a Cloud API sender must name an approved WhatsApp template (set the template’s whatsappTemplate)',
    });
  }
  if (d.audience.contactIds !== undefined) {
    const found = new Set(
      (
        await store.contacts.list(
          workspaceId,
          { ids: d.audience.contactIds },
          { limit: d.audience.contactIds.length },
        )
      ).items.map((c) => c.id),
    );
    for (const [i, id] of d.audience.contactIds.entries()) {
      if (!found.has(id))
        errors.push({ pointer: `/audience/contactIds/${i}`, detail: 'is not a contact of this workspace' });
    }
  }
  if (d.audience.importId !== undefined) {
    const job = await store.jobs.get(workspaceId, d.audience.importId);
    if (job === null || job.options.recordMembers !== true) {
      errors.push({
        pointer: '/audience/importId',
        detail:
          'is not an audience upload of this workspace (upload the CSV to POST /v1/campaigns/{id}/audience)',
      });
    }
  }
  const p = d.pacing;
  if (p.preset === 'manual') {
    if (p.minSeconds === undefined || p.maxSeconds === undefined) {
      errors.push({ pointer: '/pacing', detail: 'a manual pacing needs minSeconds and maxSeconds' });
    } else if (p.minSeconds > p.maxSeconds) {
      errors.push({ pointer: '/pacing/maxSeconds', detail: 'must not be less than minSeconds' });
    }
  }
  if (p.batch !== undefined && p.batch.minSeconds > p.batch.maxSeconds) {
    errors.push({ pointer: '/pacing/batch/maxSeconds', detail: 'must not be less than minSeconds' });
  }
  if (d.window !== null) {
    if (!isValidZone(d.window.timezone)) {
      errors.push({ pointer: '/window/timezone', detail: 'is not an IANA time zone such as Europe/Berlin' });
    }
    if (minutesOfDay(d.window.from) === minutesOfDay(d.window.to)) {
      errors.push({
        pointer: '/window/to',
        detail: 'must differ from `from` (a window of no time never opens)',
      });
    }
  }
  if (errors.length > 0 || template === null) {
    throw new KurirError('campaign.invalid', 'The campaign cannot run as defined', { errors });
  }
  return template;
}

/**
 * Before a start: an uploaded audience has been imported whole. Still importing is a
 * conflict to retry; a failed import makes the campaign invalid until a new upload.
 */
export async function checkAudienceReady(
  store: Store,
  workspaceId: string,
  audience: Audience,
): Promise<void> {
  if (audience.importId === undefined) return;
  const job = await store.jobs.get(workspaceId, audience.importId);
  if (job === null) return; // checkDefinition has already refused it
  if (job.status === 'queued' || job.status === 'running') {
    const done = job.totalRows === 0 ? 0 : Math.floor((100 * job.counts.processedRows) / job.totalRows);
    throw new KurirError(
      'campaign.audience_importing',
      `The audience CSV is still being imported (${done}% of ${job.totalRows} rows); ` +
        `start again when GET /v1/contacts/import/${job.id} says completed`,
    );
  }
  if (job.status !== 'completed') {
    throw new KurirError('campaign.invalid', 'The campaign cannot run as defined', {
      errors: [
        {
          pointer: '/audience/importId',
          detail: `the audience CSV was not imported (${job.error ?? job.status}); upload it again`,
        },
      ],
    });
  }
}

/**
 * Before a start: the audience selects at least one contact. Suppressed contacts count —
 * they become skipped rows, so a campaign to nobody but opt-outs completes with them
 * skipped — but no contact at all (a tag nobody has, a CSV whose every row was rejected)
 * is a mistake to report, not a run that completes at once with nothing sent.
 */
export async function checkAudienceNotEmpty(
  store: Store,
  workspaceId: string,
  audience: Audience,
): Promise<void> {
  const one = await store.contacts.list(workspaceId, audienceFilter(audience), { limit: 1 });
  if (one.items.length > 0) return;
  throw new KurirError('campaign.audience_empty', 'The campaign’s audience selects no contacts', {
    errors: [{ pointer: '/audience', detail: 'selects no contacts; change it or add contacts first' }],
  });
}

/**
 * Before a start: every attachment is there and within WhatsApp's size and type limits.
 * Uploaded files are checked from their stored metadata, URLs with a HEAD request.
 */
export async function checkMedia(
  store: Store,
  probe: MediaProbe,
  workspaceId: string,
  attachments: readonly Attachment[],
  drivers: readonly SenderDriverKind[],
): Promise<void> {
  const mediaLimits = mediaLimitsFor(drivers);
  const errors: FieldError[] = [];
  for (const [i, a] of attachments.entries()) {
    const at = `/template/attachments/${i}`;
    let size: number | null = null;
    let contentType: string | null = null;
    if (a.fileId !== undefined) {
      const file = await store.files.get(workspaceId, a.fileId);
      if (file === null) {
        errors.push({ pointer: `${at}/fileId`, detail: 'the uploaded file no longer exists' });
        continue;
      }
      size = file.size;
      contentType = file.contentType;
    } else if (a.url !== undefined) {
      const result = await probe(a.url);
      if ('error' in result) {
        errors.push({ pointer: `${at}/url`, detail: `cannot be fetched: ${result.error}` });
        continue;
      }
      ({ size, contentType } = result);
    }
    if (size !== null && size > mediaLimits[a.type]) {
      errors.push({
        pointer: at,
        detail: `is ${size} bytes; ${drivers.join(' and ')} senders take ${a.type} up to ${mediaLimits[a.type]} bytes`,
      });
    }
    const bareType = contentType?.split(';')[0]?.trim().toLowerCase() ?? null;
    if (bareType !== null && bareType !== 'application/octet-stream' && !mediaTypes[a.type].test(bareType)) {
      errors.push({ pointer: at, detail: `is ${bareType}, which WhatsApp does not send as ${a.type}` });
    }
  }
  if (errors.length > 0) {
    throw new KurirError('campaign.invalid', 'Some attachments cannot be sent', { errors });
  }
}
