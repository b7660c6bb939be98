/**
 * A `media.url` of this form names media already uploaded to Meta (`POST /{phone-number-id}/media`
 * answers its id): `cloud-api-media:1234567890`. It is sent as `{ id }`, nothing is fetched.
 */
export const MEDIA_ID_PREFIX = 'cloud-api-media:';

/** Where a part's media comes from, read off its `media.url`; null for what cannot be sent. */
export type MediaSource =
  /** Uploaded to Meta before: sent by id. */
  | { kind: 'id'; id: string }
  /** Public http(s) URL: Meta fetches it (it must serve the file itself, no login page). */
  | { kind: 'link'; link: string }
  /** A file on this machine (Kurir's file storage): uploaded first, then sent by id. */
  | { kind: 'file'; path: string };

export function mediaSource(url: string): MediaSource | null {
  if (url.startsWith(MEDIA_ID_PREFIX)) {
    const id = url.slice(MEDIA_ID_PREFIX.length);
    return /^[A-Za-z0-9_-]{1,128}$/.test(id) ? { kind: 'id', id } : null;
  }
  if (/^https?:\/\//i.test(url)) return URL.canParse(url) ? { kind: 'link', link: url } : null;
  // Any other scheme (ftp:, data:…) is not something Meta or we can fetch.
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url === '') return null;
  return { kind: 'file', path: url };
}
