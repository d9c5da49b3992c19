/** The namespace IPTC Photo Metadata Extension properties live in (any prefix may be bound to it). */
const IPTC_EXT_NS = 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The Iptc4xmpExt:DigitalSourceType values of an XMP packet. XMP may write the property as an
 * attribute, as element text, or as an rdf:resource: all three are read. No XML parser: the
 * packet is hostile input of bounded size, and the property is a flat URI, so finding it with the
 * prefix the packet itself binds is enough and cannot be made to recurse or expand entities.
 */
export function xmpDigitalSourceTypes(xmp: string): string[] {
  const prefixes = new Set(['Iptc4xmpExt']);
  for (const m of xmp.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']([^"']*)["']/g))
    if (m[2] === IPTC_EXT_NS) prefixes.add(m[1]!);
  const found: string[] = [];
  for (const prefix of prefixes) {
    const name = `${escapeRegExp(prefix)}:DigitalSourceType`;
    const patterns = [
      new RegExp(`${name}\\s*=\\s*"([^"]*)"`, 'g'),
      new RegExp(`${name}\\s*=\\s*'([^']*)'`, 'g'),
      new RegExp(`<${name}\\b[^>]*?rdf:resource\\s*=\\s*["']([^"']*)["']`, 'g'),
      new RegExp(`<${name}\\s*>([^<]*)</${name}\\s*>`, 'g'),
    ];
    for (const re of patterns) for (const m of xmp.matchAll(re)) if (m[1]!.trim()) found.push(m[1]!.trim());
  }
  return [...new Set(found)];
}
