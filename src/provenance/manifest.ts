import { createHash } from 'node:crypto';
import type { ImageFormat } from './header.js';

/** The signer of a manifest, from its certificate. */
export interface Signer {
  subject: string;
  issuer: string;
  /** SHA-256 of the certificate (DER), lowercase hex: what a fingerprint pin compares. */
  sha256: string;
}

/** What a C2PA manifest store says and whether it holds, as the findings record it. */
export interface ManifestEvidence {
  /** The C2PA library found no failure: signature, assertions, hash binding. */
  valid: boolean;
  /** The C2PA validation status codes that failed (e.g. assertion.dataHash.mismatch). */
  failures: string[];
  signer?: Signer;
  /** The claim generator of the active manifest, e.g. "Adobe_Firefly/1.0". */
  generator?: string;
  /** The actions of the active manifest (c2pa.created, c2pa.edited, ...). */
  actions: string[];
  /** Every digitalSourceType declared by an action of any manifest in the store (ingredients' included). */
  sourceTypes: string[];
  /** The ingredients the active manifest names. */
  ingredients: { title?: string; relationship?: string }[];
  /** The hard binding (the asset's hash) against these bytes: changed after signing is "mismatch". */
  binding: 'match' | 'mismatch' | 'missing';
  manifests: number;
}

type Library = {
  asset: typeof import('@trustnxt/c2pa-ts/asset');
  jumbf: typeof import('@trustnxt/c2pa-ts/jumbf');
  manifest: typeof import('@trustnxt/c2pa-ts/manifest');
};
let library: Promise<Library> | undefined;
// Loaded on the first manifest only: `drp --help` and a scan of unsigned images never load it.
const load = () =>
  (library ??= Promise.all([
    import('@trustnxt/c2pa-ts/asset'),
    import('@trustnxt/c2pa-ts/jumbf'),
    import('@trustnxt/c2pa-ts/manifest'),
  ]).then(([asset, jumbf, manifest]) => ({ asset, jumbf, manifest })));

/** Hostile manifests can hold anything: every string and list kept as evidence is bounded. */
const MAX_TEXT = 256;
const MAX_ITEMS = 20;
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, MAX_TEXT) : undefined);

/**
 * Reads and validates the C2PA manifest store of a whole image with @trustnxt/c2pa-ts. Malformed
 * content that the library throws on is a validation failure (general.error), never a crash.
 * The library checks the certificate's C2PA profile but not its chain to a trust anchor: whether
 * the signer is one the operator trusts is decided by the caller from `signer`.
 */
export async function validateManifest(bytes: Uint8Array, format: ImageFormat): Promise<ManifestEvidence> {
  const { asset: A, jumbf: J, manifest: M } = await load();
  const evidence: ManifestEvidence = {
    valid: false,
    failures: [],
    actions: [],
    sourceTypes: [],
    ingredients: [],
    binding: 'missing',
    manifests: 0,
  };
  try {
    const Asset = format === 'jpeg' ? A.JPEG : format === 'png' ? A.PNG : A.BMFF;
    if (!Asset.canRead(bytes))
      throw new Error(`the C2PA library cannot read this ${format.toUpperCase()} file`);
    const asset = new Asset(bytes);
    const jumbf = asset.getManifestJUMBF();
    if (!jumbf) throw new Error('the manifest store could not be extracted');
    const store = M.ManifestStore.read(J.SuperBox.fromBuffer(new Uint8Array(jumbf)));
    evidence.manifests = store.manifests.length;
    const active = store.getActiveManifest();
    describe(evidence, store.manifests, active, M);
    const result = await store.validate(asset);
    evidence.valid = result.isValid;
    for (const e of result.statusEntries) {
      if (e.code === 'assertion.dataHash.match' || e.code === 'assertion.bmffHash.match')
        evidence.binding = 'match';
      if (e.code === 'assertion.dataHash.mismatch' || e.code === 'assertion.bmffHash.mismatch')
        evidence.binding = 'mismatch';
      if (e.success === false) evidence.failures.push(e.code);
    }
    if (!evidence.valid && evidence.failures.length === 0) evidence.failures.push('general.error');
  } catch (err) {
    evidence.valid = false;
    evidence.failures.push(
      `general.error: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
    );
  }
  evidence.failures = [...new Set(evidence.failures)].slice(0, MAX_ITEMS);
  return evidence;
}

type Manifests = InstanceType<Library['manifest']['ManifestStore']>['manifests'];

function describe(
  evidence: ManifestEvidence,
  manifests: Manifests,
  active: Manifests[number] | undefined,
  M: Library['manifest'],
): void {
  const cert = active?.signature?.signatureData?.certificate;
  if (cert)
    evidence.signer = {
      subject: cert.subject.slice(0, MAX_TEXT),
      issuer: cert.issuer.slice(0, MAX_TEXT),
      sha256: createHash('sha256').update(new Uint8Array(cert.rawData)).digest('hex'),
    };
  const claim = active?.claim;
  const generator = text(claim?.claimGeneratorName);
  // The name only: the library fills the version of claims it writes with its own.
  if (generator) evidence.generator = generator;
  for (const manifest of manifests) {
    for (const assertion of manifest.assertions?.assertions ?? []) {
      if (assertion instanceof M.ActionAssertion) {
        for (const action of assertion.actions) {
          if (manifest === active && text(action.action)) evidence.actions.push(action.action);
          const type = text(action.digitalSourceType);
          if (type) evidence.sourceTypes.push(type);
        }
      }
      if (manifest === active && assertion instanceof M.IngredientAssertion)
        evidence.ingredients.push({
          ...(text(assertion.title) ? { title: text(assertion.title) } : {}),
          ...(text(assertion.relationship) ? { relationship: text(assertion.relationship) } : {}),
        });
    }
  }
  evidence.actions = [...new Set(evidence.actions)].slice(0, MAX_ITEMS);
  evidence.sourceTypes = [...new Set(evidence.sourceTypes)].slice(0, MAX_ITEMS);
  evidence.ingredients = evidence.ingredients.slice(0, MAX_ITEMS);
}
