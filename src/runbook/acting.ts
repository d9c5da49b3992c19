import type { AwsSettings } from '../aws/config.js';
import { PortPool, servicesOf, type AwsPorts, type ServiceName } from '../aws/ports.js';
import { IDENTITIES, type Identity } from '../identities.js';
import { actionsByIdentity, identityOf, type ActingIdentity, type AnyStep } from '../steps/define.js';
import type { ResolvedIdentity } from './identities.js';

/** Every identity the steps act through, by name. */
export function identitiesUsed(steps: readonly { definition: AnyStep }[]): Set<Identity> {
  const used = new Set<Identity>(['target']);
  for (const { definition } of steps)
    for (const identity of actionsByIdentity(definition).keys()) used.add(identity);
  return used;
}

/**
 * How a run (or a restore) reaches AWS as each identity: its credentials, its region, and its
 * ports, created once per identity, region and phase and shared by every step that acts as it.
 */
export class Acting {
  readonly #pool = new PortPool();
  /** Per identity: the services any step calls as it (one set of clients serves them all). */
  readonly #services = new Map<Identity, Set<ServiceName>>();

  /** Each identity with its region, once the regions are known (placeIn). */
  identities: Record<Identity, ActingIdentity>;

  constructor(
    private readonly aws: AwsSettings & { region: string },
    private readonly resolved: Record<Identity, ResolvedIdentity>,
    steps: readonly { definition: AnyStep }[],
  ) {
    this.identities = this.placeIn({});
    for (const { definition } of steps)
      for (const [identity, actions] of actionsByIdentity(definition))
        this.#services.set(
          identity,
          new Set([...(this.#services.get(identity) ?? []), ...servicesOf(actions)]),
        );
  }

  /** Sets each identity's region (the run's --region for those not named). */
  placeIn(regions: Partial<Record<Identity, string>>): Record<Identity, ActingIdentity> {
    this.identities = Object.fromEntries(
      IDENTITIES.map((i) => {
        const { caller, roleArn, sourceIdentity } = this.resolved[i];
        return [
          i,
          {
            ...caller,
            region: regions[i] ?? this.aws.region,
            ...(roleArn ? { roleArn } : {}),
            ...(sourceIdentity ? { sourceIdentity } : {}),
          },
        ];
      }),
    ) as Record<Identity, ActingIdentity>;
    return this.identities;
  }

  /** The AWS settings of an identity: its credentials, in its region (or the one given). */
  settingsOf(identity: Identity, region = this.identities[identity].region): AwsSettings {
    const { credentials } = this.resolved[identity];
    return { ...this.aws, region, ...(credentials ? { credentials } : {}) };
  }

  /** The ports of an identity, for the services its steps declare. */
  ports(identity: Identity, readOnly: boolean, region?: string): Promise<AwsPorts> {
    const key = this.resolved[identity].roleArn ?? 'caller';
    const services = this.#services.get(identity) ?? new Set<ServiceName>();
    return this.#pool.ports(key, services, this.settingsOf(identity, region), readOnly);
  }

  /** Loads every identity's ports of a phase up front, so a step's context is ready when it runs. */
  async preload(readOnly: boolean): Promise<Map<Identity, AwsPorts>> {
    const loaded = new Map<Identity, AwsPorts>();
    for (const identity of IDENTITIES)
      if (this.#services.has(identity)) loaded.set(identity, await this.ports(identity, readOnly));
    return loaded;
  }

  /** What a step's context holds about the identities it acts through. */
  contextOf(definition: AnyStep, loaded: Map<Identity, AwsPorts>, readOnly: boolean) {
    const identity = identityOf(definition);
    const declared = new Set(actionsByIdentity(definition).keys());
    return {
      region: this.identities[identity].region,
      caller: this.identities[identity],
      identities: this.identities,
      aws: loaded.get(identity)!,
      awsAs: async (other: Identity, options: { region?: string } = {}) => {
        if (!declared.has(other))
          throw new Error(
            `step ${definition.type} acts as "${other}" without declaring it: add it to alsoActsAs with the actions it calls`,
          );
        return this.ports(other, readOnly, options.region);
      },
    };
  }
}
