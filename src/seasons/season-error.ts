// A season request that cannot be carried out (unknown, already purged, still open): a clear one-line reason.
import { LixiaoError } from '../errors.ts';
export class SeasonError extends LixiaoError {
  readonly code = 'season_refused';
}
