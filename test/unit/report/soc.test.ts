import { describe, expect, it } from 'vitest';
import { reportModelOf, writeRun } from '../../support/report-journals.js';

describe('report: the SOC evidence (issue 18)', () => {
  it("lists GuardDuty's export by severity with its artefact, and Security Hub's finding with the journal head", async () => {
    const { path } = await writeRun({
      steps: [
        {
          id: 'preserve-flow-logs',
          type: 'preserve-flow-logs',
          notes: [
            'evidence is missing: VPC vpc-0a1b2c3d has no flow log, so who connected to what is not recorded',
          ],
        },
        {
          id: 'export-guardduty-findings',
          type: 'export-guardduty-findings',
          data: {
            findings: 3,
            bySeverity: { high: 2, medium: 1 },
            artefact: { path: 'artefacts/guardduty-findings.jsonl', sha256: 'x' },
          },
        },
        {
          id: 'securityhub-report',
          type: 'securityhub-report',
          data: {
            productArn: 'arn:aws:securityhub:us-east-1:1:product/1/default',
            incidentFindingId: 'drp/INC/incident',
            imported: 1,
            scanFindings: 0,
            journalHead: 'ab12',
          },
        },
      ],
    });
    const m = await reportModelOf(path);
    expect(m.findings.filter((f) => f.kind === 'soc')).toEqual([
      {
        kind: 'soc',
        stepId: 'export-guardduty-findings',
        text: 'GuardDuty: 3 findings exported (high 2, medium 1) to artefacts/guardduty-findings.jsonl',
      },
      {
        kind: 'soc',
        stepId: 'securityhub-report',
        text: "Security Hub: 1 finding imported; the incident's is drp/INC/incident in arn:aws:securityhub:us-east-1:1:product/1/default, with journal head ab12",
      },
    ]);
    expect(m.findings).toContainEqual({
      kind: 'note',
      stepId: 'preserve-flow-logs',
      text: expect.stringMatching(/^evidence is missing: VPC vpc-0a1b2c3d has no flow log/),
    });
    expect(m.remaining).toContain(
      'export-guardduty-findings: review the 3 GuardDuty findings in artefacts/guardduty-findings.jsonl.',
    );
  });
});
