import { mutate, type RunContext } from './run-context.js';

export const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';

/**
 * Modes parameters (and build-less updates) send UsePreviousTemplate. With the AWS::LanguageExtensions transform
 * that may not apply new parameter values: CloudFormation documents that such a template should be sent again
 * instead of reused (UpdateStack / CreateChangeSet, UsePreviousTemplate). Coxswain has no template to send in these
 * modes, so it refuses with what to do. Returns the refusal, or undefined to go on.
 */
export async function refuseLanguageExtensions(
  ctx: RunContext,
  region: string | undefined,
  stackName: string,
): Promise<string | undefined> {
  const transforms = await mutate(() => ctx.cfn.declaredTransforms(region, stackName));
  // GetTemplateSummary refused (e.g. no permission): say so rather than risk a silent no-op update.
  if (!transforms.ok) return `could not check the template of ${stackName} (GetTemplateSummary: ${transforms.reason})`;
  if (!transforms.value.includes(LANGUAGE_EXTENSIONS)) return undefined;
  return `stack ${stackName} uses the ${LANGUAGE_EXTENSIONS} transform: CloudFormation may not apply new parameter values when the previous template is reused, so Coxswain does not update it in place. Deploy it with mode template (the build produces the template) or mode build (your tool sends the template).`;
}
