// A season request that cannot be carried out (unknown, already purged, still open): a clear one-line reason.
export class SeasonError extends Error {}
