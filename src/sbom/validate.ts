/** Schema validation of CycloneDX 1.6 JSON with the library's validator (ajv under the hood). */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';

const validator = new Validation.JsonValidator(Spec.Version.v1dot6);

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Error messages, `<JSON pointer>: <what is wrong>`; [] when the document is valid. */
export async function validateBomJson(json: string): Promise<string[]> {
  let result: unknown;
  try {
    result = await validator.validate(json);
  } catch (error) {
    // Not JSON at all: the validator parses it first.
    if (error instanceof SyntaxError) return [`/: not JSON: ${error.message}`];
    throw error;
  }
  if (result === null || result === undefined) return [];
  const errors = Array.isArray(result) ? (result as AjvLikeError[]) : [result as AjvLikeError];
  return errors.map((error) => {
    const where = error.instancePath || '/';
    const params = error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : '';
    return `${where}: ${error.message ?? 'invalid'}${params}`;
  });
}
