import { createDrillSeedPort, type DrillSeedPort, type EmulatorCredentials } from '../aws/drill-seed.js';
import { DRILL_PARTITION } from '../aws/drill.js';
import type { Scenario } from './scenario.js';

/** Where `drp drill --accounts single` or `multi` seeds and contains the incident. */
export const ACCOUNT_MODES = ['single', 'multi'] as const;
export type AccountMode = (typeof ACCOUNT_MODES)[number];

/**
 * The organization AWS recommends, on the emulator: the drill's own account is the management
 * account (the organization, the SCP); member accounts hold the workload (the leaked bucket, its
 * users, its trail), the log archive (the trail's bucket) and the forensics evidence. drp reaches
 * each through a role of its own, as an operator's drp.config.yaml would name them.
 */
export interface DrillAccounts {
  workload: string;
  logArchive: string;
  forensics: string;
  roles: { target: string; org: string; logs: string; evidence: string };
  ports: { workload: DrillSeedPort; logArchive: DrillSeedPort; management: DrillSeedPort };
  /** The workload account's credentials: the checks read its IAM users there. */
  workloadCredentials: EmulatorCredentials;
}

const trusting = (responderAccount: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${DRILL_PARTITION}:iam::${responderAccount}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      },
    ],
  });

/** The accounts and the four roles (under /ir/, trusting the responder's account). */
export async function organizeAccounts(
  endpoint: string,
  s: Scenario,
  responderAccount: string,
): Promise<DrillAccounts> {
  const management = createDrillSeedPort(endpoint);
  await management.organizationWithScps();
  const suffix = s.bucket.slice(s.bucket.lastIndexOf('-') + 1);
  const [workload, logArchive, forensics] = await Promise.all(
    ['workload', 'log-archive', 'forensics'].map((name) =>
      management.createAccount(`acme-${name}-${suffix}`),
    ),
  );
  const [w, l, f] = await Promise.all(
    [workload!, logArchive!, forensics!].map((a) => management.inAccount(a)),
  );
  const role = async (port: DrillSeedPort, account: string, name: string) => {
    await port.createRole(`${name}-${suffix}`, '/ir/', trusting(responderAccount));
    return `arn:${DRILL_PARTITION}:iam::${account}:role/ir/${name}-${suffix}`;
  };
  const roles = {
    target: await role(w!.port, workload!, 'drp-target'),
    org: await role(management, responderAccount, 'drp-org'),
    logs: await role(l!.port, logArchive!, 'drp-logs'),
    evidence: await role(f!.port, forensics!, 'drp-evidence'),
  };
  return {
    workload: workload!,
    logArchive: logArchive!,
    forensics: forensics!,
    roles,
    ports: { workload: w!.port, logArchive: l!.port, management },
    workloadCredentials: w!.credentials,
  };
}

/** The global flags that make drp contain act as those roles. */
export const roleFlags = (a: DrillAccounts) => [
  ...['--target-role-arn', a.roles.target, '--org-role-arn', a.roles.org],
  ...['--logs-role-arn', a.roles.logs, '--evidence-role-arn', a.roles.evidence],
];
