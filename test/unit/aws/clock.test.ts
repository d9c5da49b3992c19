import { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { awsNow, reportedSkewSeconds } from '../../../src/aws/clock.js';
import { createIamPort } from '../../../src/aws/iam.js';

// No aws-sdk-client-mock here: it replaces `send`, skipping the middleware that reads the Date.
function clientAnswering(status: number, body: string, date: string) {
  const requestHandler = {
    handle: async () => ({
      response: {
        statusCode: status,
        headers: { 'content-type': 'text/xml', date, 'x-amzn-requestid': 'REQ' },
        body: new TextEncoder().encode(body),
      },
    }),
  };
  return new IAMClient({
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler,
  });
}

const GET_ROLE = `<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>
<Path>/</Path><RoleName>uploader</RoleName><RoleId>AROA1</RoleId><Arn>arn:aws:iam::123456789012:role/uploader</Arn>
<CreateDate>2026-01-01T00:00:00Z</CreateDate></Role></GetRoleResult><ResponseMetadata><RequestId>REQ</RequestId></ResponseMetadata></GetRoleResponse>`;

describe("AWS's clock", () => {
  it("is the Date header of IAM's last answer, read through the SDK's own stack", async () => {
    const port = createIamPort(clientAnswering(200, GET_ROLE, 'Wed, 25 Nov 2026 02:55:00 GMT'));
    expect(port.serverClock()).toBeUndefined();
    await port.getRole('uploader');
    expect(port.serverClock()?.serverDate.toISOString()).toBe('2026-11-25T02:55:00.000Z');
  });

  it("is read from an error's answer too", async () => {
    const error = `<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>none</Message></Error><RequestId>REQ</RequestId></ErrorResponse>`;
    const port = createIamPort(clientAnswering(404, error, 'Wed, 25 Nov 2026 02:56:00 GMT'));
    await expect(port.getRole('ghost')).resolves.toBeUndefined();
    expect(port.serverClock()?.serverDate.toISOString()).toBe('2026-11-25T02:56:00.000Z');
  });

  it('now is that Date plus the time since it arrived plus the second the header rounds away', () => {
    const clock = {
      serverDate: new Date('2026-11-25T02:55:00Z'),
      localDate: new Date('2026-11-25T03:00:00Z'),
    };
    expect(awsNow(clock, new Date('2026-11-25T03:00:02Z'))?.toISOString()).toBe('2026-11-25T02:55:03.000Z');
    expect(awsNow(undefined, new Date())).toBeUndefined();
  });

  it('reports a skew of more than a few seconds, and not the whole second a header rounds away', () => {
    const at = (local: string) => ({
      serverDate: new Date('2026-11-25T03:00:00Z'),
      localDate: new Date(local),
    });
    expect(reportedSkewSeconds(at('2026-11-25T03:00:00.900Z'))).toBeUndefined();
    expect(reportedSkewSeconds(at('2026-11-25T02:59:57.000Z'))).toBeUndefined();
    expect(reportedSkewSeconds(at('2026-11-25T03:00:30.000Z'))).toBe(30);
    expect(reportedSkewSeconds(at('2026-11-25T02:58:00.000Z'))).toBe(-120);
  });
});
