/** A name (a target key, an analyzer name) as one safe path segment: anything else becomes `_`. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
