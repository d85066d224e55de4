// The committed migrations in order. A new file from `npm run migration:create` is added here by hand,
// so migrations load the same way under tsx, vitest and any bundler (no directory globbing).
import { Migration20261127000000_initial } from './Migration20261127000000_initial.ts';
import { Migration20261127105229_form_token } from './Migration20261127105229_form_token.ts';
import { Migration20261127110531_delivered_card } from './Migration20261127110531_delivered_card.ts';
import { Migration20261127113346_wecom_response_code } from './Migration20261127113346_wecom_response_code.ts';
import { Migration20261127140000_open_clearance_index } from './Migration20261127140000_open_clearance_index.ts';
import { Migration20261127141000_season } from './Migration20261127141000_season.ts';
import { Migration20261127160000_change_outbox } from './Migration20261127160000_change_outbox.ts';
import { Migration20261127170000_rate_spend } from './Migration20261127170000_rate_spend.ts';
import { Migration20261205233455_batch } from './Migration20261205233455_batch.ts';
import { Migration20261205233700_certificates } from './Migration20261205233700_certificates.ts';
import { Migration20261205234200_purge_without_blocking } from './Migration20261205234200_purge_without_blocking.ts';
import { Migration20261205234500_approval_center } from './Migration20261205234500_approval_center.ts';
import { Migration20261206001000_notice_queue } from './Migration20261206001000_notice_queue.ts';
import { Migration20261206023500_delegation } from './Migration20261206023500_delegation.ts';
import { Migration20261206023446_supervisor } from './Migration20261206023446_supervisor.ts';
import { Migration20261206023521_person_lang } from './Migration20261206023521_person_lang.ts';
import { Migration20261206023600_delegation_away } from './Migration20261206023600_delegation_away.ts';

export const migrationsList = [
  { name: 'Migration20261127000000_initial', class: Migration20261127000000_initial },
  { name: 'Migration20261127105229_form_token', class: Migration20261127105229_form_token },
  { name: 'Migration20261127110531_delivered_card', class: Migration20261127110531_delivered_card },
  { name: 'Migration20261127113346_wecom_response_code', class: Migration20261127113346_wecom_response_code },
  { name: 'Migration20261127140000_open_clearance_index', class: Migration20261127140000_open_clearance_index },
  { name: 'Migration20261127141000_season', class: Migration20261127141000_season },
  { name: 'Migration20261127160000_change_outbox', class: Migration20261127160000_change_outbox },
  { name: 'Migration20261127170000_rate_spend', class: Migration20261127170000_rate_spend },
  { name: 'Migration20261205233455_batch', class: Migration20261205233455_batch },
  { name: 'Migration20261205233700_certificates', class: Migration20261205233700_certificates },
  { name: 'Migration20261205234200_purge_without_blocking', class: Migration20261205234200_purge_without_blocking },
  { name: 'Migration20261205234500_approval_center', class: Migration20261205234500_approval_center },
  { name: 'Migration20261206001000_notice_queue', class: Migration20261206001000_notice_queue },
  { name: 'Migration20261206023446_supervisor', class: Migration20261206023446_supervisor },
  { name: 'Migration20261206023500_delegation', class: Migration20261206023500_delegation },
  { name: 'Migration20261206023521_person_lang', class: Migration20261206023521_person_lang },
  { name: 'Migration20261206023600_delegation_away', class: Migration20261206023600_delegation_away },
];
