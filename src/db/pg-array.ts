// PostgreSQL array literals for bound parameters (`= any(?::text[])`), quoted so any text is safe.
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

export function pgIntArray(values: readonly number[]): string {
  if (!values.every(Number.isInteger)) throw new TypeError('pgIntArray takes integers');
  return `{${values.join(',')}}`;
}
