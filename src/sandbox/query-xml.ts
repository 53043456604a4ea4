/**
 * The AWS Query protocol's XML envelope, as CloudFormation, STS and IAM answer a form-encoded `Action=…` request:
 * `<{Action}Response xmlns=…><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>…` on success and
 * `<ErrorResponse xmlns=…><Error><Type>Sender|Receiver</Type><Code>…</Code><Message>…</Message></Error><RequestId>…`
 * on failure (docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html; the response elements of
 * each action, e.g. API_DescribeStacks.html). Lists are `<member>` elements. The sandbox's simulated CloudFormation
 * writes its answers with this module, and so do the tests' nock fakes: one writer of that XML.
 */

export const CFN_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders a plain object as Query-protocol XML: keys become elements, arrays `<member>` lists, dates ISO 8601. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return xmlEscape(String(value));
}

export interface Envelope {
  /** The service's namespace; CloudFormation's unless said. */
  ns?: string;
  requestId?: string;
}

/** A successful answer to `action` whose Result element holds `result`. */
export function queryResponse(action: string, result: unknown, o: Envelope = {}): string {
  const ns = o.ns ?? CFN_NS;
  return `<${action}Response xmlns="${ns}"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>${o.requestId ?? 'req-1'}</RequestId></ResponseMetadata></${action}Response>`;
}

/** An error answer: `Sender` for the caller's fault (4xx), `Receiver` for the service's (5xx). */
export function queryError(code: string, message: string, o: Envelope & { type?: 'Sender' | 'Receiver' } = {}): string {
  const ns = o.ns ?? CFN_NS;
  return `<ErrorResponse xmlns="${ns}"><Error><Type>${o.type ?? 'Sender'}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${o.requestId ?? 'req-err'}</RequestId></ErrorResponse>`;
}
