/**
 * The IPTC "digital source type" vocabulary (cv.iptc.org/newscodes/digitalsourcetype/) that C2PA
 * actions and XMP's Iptc4xmpExt:DigitalSourceType use. These codes say the image was made by an
 * algorithm rather than captured: a model trained on sampled content (generative AI), a composite
 * including such content, a composite of synthetic elements, or pure algorithm. Capture codes,
 * human edits, `algorithmicallyEnhanced` (a photo touched up by software) and `digitalCreation`
 * (drawn by a person with software) are not declarations of synthetic media.
 */
export const AI_SOURCE_TYPES: readonly string[] = [
  'trainedAlgorithmicMedia',
  'compositeWithTrainedAlgorithmicMedia',
  'compositeSynthetic',
  'algorithmicMedia',
];

const AI = new Set(AI_SOURCE_TYPES);

/**
 * The vocabulary code of a source type URI, whatever form the writer chose: the canonical
 * http://cv.iptc.org/newscodes/digitalsourcetype/CODE, its https form, or the QCode
 * digsrctype:CODE. undefined for a value outside the vocabulary.
 */
export function sourceTypeCode(value: string): string | undefined {
  const v = value.trim();
  const m =
    /^https?:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\/([A-Za-z]+)\/?$/.exec(v) ??
    /^digsrctype:([A-Za-z]+)$/.exec(v);
  return m?.[1];
}

/** Whether the value declares AI-generated or synthetic media. */
export const isAiSourceType = (value: string): boolean => AI.has(sourceTypeCode(value) ?? '');
