/**
 * S3 listings are XML, and XML cannot carry every character a key may hold: a carriage return
 * comes back as a line feed (the key is then another key, and its legal hold fails with
 * NoSuchKey), and other control characters not at all. So listings ask for EncodingType=url and
 * decode what S3 encoded. S3 encodes a space as "+" and a "+" as "%2B", as a form would.
 */
export const URL_ENCODING = 'url';

export function decodeKey(value: string, encodingType: string | undefined): string {
  if (encodingType !== URL_ENCODING) return value;
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
