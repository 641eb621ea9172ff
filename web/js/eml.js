/**
 * Email files (.eml) for the reminder draft.
 *
 * The service may send the message itself (`eml`: the message text, or base64 of it) or a
 * link to it (`emlUrl`); when it sends neither, the draft is written here as a MIME message
 * with a plain-text and an HTML part, marked unsent so mail clients open it as a draft.
 */

/**
 * Base64 of a string's UTF-8 bytes, wrapped at 76 characters.
 * @param {string} text
 */
function base64Utf8(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/.{76}(?=.)/g, '$&\r\n');
}

/**
 * A header value, encoded (RFC 2047) when it is not plain ASCII.
 * @param {string} value
 */
function headerValue(value) {
  const clean = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  return `=?UTF-8?B?${base64Utf8(clean).replace(/\r\n/g, '')}?=`;
}

/**
 * Write a draft as an unsent MIME message.
 * @param {{to?: string, subject?: string, bodyText?: string, bodyHtml?: string}} draft
 * @returns {string}
 */
export function buildEml(draft) {
  const boundary = `reminder-${Date.now().toString(36)}`;
  const lines = [
    `To: ${headerValue(draft.to ?? '')}`,
    `Subject: ${headerValue(draft.subject ?? '')}`,
    'X-Unsent: 1',
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Utf8(draft.bodyText ?? ''),
  ];
  if (draft.bodyHtml) {
    lines.push(`--${boundary}`, 'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64', '', base64Utf8(draft.bodyHtml));
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}

/**
 * The message text from the service's `eml` field, which may be base64.
 * @param {string} eml
 * @returns {Blob}
 */
export function emlBlob(eml) {
  const looksEncoded = !eml.includes(':') && /^[A-Za-z0-9+/=\s]+$/.test(eml);
  if (looksEncoded) {
    try {
      const binary = atob(eml.replace(/\s+/g, ''));
      const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
      return new Blob([bytes], { type: 'message/rfc822' });
    } catch {
      // Not base64 after all: keep it as text.
    }
  }
  return new Blob([eml], { type: 'message/rfc822' });
}
