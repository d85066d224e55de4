// PostgreSQL array literals for bound parameters (`= any(?::text[])`), quoted so any text is safe; null is NULL.
export function pgTextArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

export function pgIntArray(values: readonly (number | null)[]): string {
  if (!values.every((v) => v === null || Number.isInteger(v))) throw new TypeError('pgIntArray takes integers');
  return `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;
}
