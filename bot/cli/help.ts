// What `lixiao --help` and `lixiao <command> --help` print: each command's columns, flags and an example.
// Plain text with no imports, so that help starts at once.

export const USAGE = `usage: lixiao <command> [--help]
  migrate                                         apply database migrations
  import students [--season LABEL] [--new-college NAME] FILE
                                                  create or update students (FILE: .csv or .xlsx)
  import staff [--replace] FILE                   add and update staff; --replace also ends assignments not listed
  import list --step KEY --mode block|pass [--over-return] FILE
                                                  block: listed stay pending, others pass; pass: listed pass
                                                  (returned ones only with --over-return)
  batches [--json]                                applied imports, lists, decisions and undos, newest first
  undo BATCH_ID                                   revert a batch where nothing was decided on top of it since
  status STUDENT_NO [--json]                      one student's steps
  report [--college X] [--season S] [--format table|csv|json]
                                                  progress per college and step (a purged season: as kept)
  spotcheck --step KEY [--sample N] [--since YYYY-MM-DD] [--format ...]
                                                  a random sample of a step's decisions (抽查)
  decide pass|return|revoke --step KEY [--reason R] [--over-return] STUDENT_NO...
                                                  decide as an administrator (audited); a pass over a
                                                  return (退回) only with --over-return
  workflow sync [--dry-run|--yes]                 create the rows of steps added to the workflow since the
                                                  students were imported (without --yes: only say what)
  demo                                            load the demo season into an empty database
  job run NAME [--now]                            run a scheduled job now, claiming its current slot; inside
                                                  quiet hours its messages wait for their end unless --now
  purge --season LABEL [--include-open]           remove a closed season's personal data, keep its report
                                                  (run as the tables' owner)
  feishu approval-setup                           create or update the Feishu approval definition, store
                                                  its approval_code, list the permissions the app needs
  feishu approval-push --season LABEL             queue a full push of every student of the season
  certificate STUDENT_NO [--json]                 the student's 离校证明: issued (with its URL), not_complete, revoked
  verify TOKEN_OR_URL [--keys FILE_OR_URL] [--json]
                                                  check a certificate's signature offline against public keys (a
                                                  JWKS file or URL; default: this deployment's); exit 0 if valid
  keys [rotate]                                   print the public keys (JWKS); rotate: a new signing key
  doctor [--json]                                 check the deployment: a checklist with a fix for each failure
  delegate FROM TO --until YYYY-MM-DD             TO stands in for FROM (代理) through that day; also
                                                  delegate away FROM --until DATE, delegate end FROM,
                                                  delegate list [--json]

Imports, lists, decide and undo preview their changes on a terminal and ask y/N before applying:
  --dry-run   only show what would change (exit 0 for a valid file; nothing is changed)
  --yes       apply without asking
Without a terminal (scripts, cron) they apply at once. Each applied change is a batch: lixiao batches, lixiao undo ID.
lixiao <command> --help shows a command's columns, flags and an example.`;

const PREVIEW = `  --dry-run              show what would change and exit (0 for a valid file); nothing is changed
  --yes                  apply without asking (on a terminal the preview asks y/N; without one it applies)`;

const FILES = `Files: CSV (UTF-8, header row; a BOM, CRLF and extra columns are fine) or .xlsx (the first sheet).
Headers may be English or Chinese.`;

const STUDENTS = `lixiao import students [--season LABEL] [--new-college NAME]... [--dry-run|--yes] FILE
  Creates or updates students (a known student_no is updated) and their steps.
columns (English / 中文):
  student_no / 学号      required, 1-32 letters, digits, - or _
  name / 姓名            required
  college / 学院         required; into a season that has students, a college it does not have is refused
                         (did you mean ...?) unless named with --new-college NAME
  campus / 校区          one of the workflow's campuses (CQU: A区, B区, 虎溪)
  degree / 学位          博士 | 硕士
  exit_type / 离校类型   毕业 | 结业 | 肄业 | 退学 (default 毕业)
  deadline / 截止日期    YYYY-MM-DD
  mobile / 手机, email / 邮箱, wecom_userid / 企业微信, feishu_open_id / 飞书open_id, feishu_user_id / 飞书user_id
flags:
  --season LABEL         the season (default: the newest not purged, else one named after this year)
  --new-college NAME     a college this import may create (repeat for several)
${PREVIEW}
${FILES}
example:
  lixiao import students --dry-run 2026届学生.xlsx
  lixiao import students --new-college 人工智能学院 students.csv`;

const STAFF = `lixiao import staff [--replace] [--dry-run|--yes] FILE
  Adds people and assignments and updates people's contacts. Ends no assignment unless --replace is given.
columns (English / 中文):
  name / 姓名            required
  role / 角色            required: handler (经办人) | college_admin (学院管理员) | school_admin (学校管理员)
  step / 环节            a handler's step: its key (library) or name (图书馆)
  college / 学院         a college of the students file, or * / empty for the whole school
  campus / 校区          empty: every campus
  wecom_userid / 企业微信, feishu_user_id / 飞书user_id, feishu_open_id / 飞书open_id, email / 邮箱, mobile / 手机
                         who the person is, in that order; else by name
flags:
  --replace              the file is the whole roster: every active assignment it does not list is ended
                         (each is named in the preview)
${PREVIEW}
${FILES}
example:
  lixiao import staff new-librarian.csv
  lixiao import staff --replace --dry-run roster-2026.xlsx`;

const LIST = `lixiao import list --step KEY --mode block|pass [--dry-run|--yes] FILE
  block: listed students stay pending with the reason; EVERY OTHER student on the step passes.
  pass:  listed students pass.
columns (English / 中文):
  student_no / 学号      required; an unknown number is a bad row
  reason / 原因          shown to the student (block)
  amount / 金额          arrears, shown to the student and the office only (block)
flags:
  --step KEY             the step: ${'academic_secretary, student_work, party, finance, loan, library, dormitory, hospital, grad_service, campus_card'}
  --mode block|pass
${PREVIEW}
The preview names the step in Chinese, how many students it passes, and warns when a reason reads like another
office's (图书逾期未还 on 校医院's list).
${FILES}
example:
  lixiao import list --step finance --mode block --dry-run 欠费名单.xlsx`;

const IMPORT = `lixiao import students|staff|list ... FILE
  import students [--season LABEL] [--new-college NAME] FILE    students and their steps
  import staff [--replace] FILE                                 staff and their assignments
  import list --step KEY --mode block|pass FILE                 an office's block or pass list
Each is all-or-nothing (every bad row is reported with its line), previewed on a terminal (y/N), and undoable
(lixiao batches, lixiao undo ID).
${PREVIEW}
${FILES}
lixiao import students --help (staff, list) shows each file's columns.`;

export const HELP: Record<string, string> = {
  import: IMPORT,
  'import students': STUDENTS,
  'import staff': STAFF,
  'import list': LIST,
  batches: `lixiao batches [--json] [--limit N]
  The applied batches (imports, lists, decisions, undos), newest first: id, when (LIXIAO_TIMEZONE), who, what, rows changed.
  --json   a JSON array of { "id", "kind", "at" (ISO-8601), "by", "count" }
  --limit  how many (default 50)
example:
  lixiao batches --json`,
  undo: `lixiao undo BATCH_ID [--dry-run|--yes]
  Reverts exactly what the batch changed, row by row, where nothing was changed on top of it since, and lists the rows
  it leaves and why. After the undo of a block list, the students it passed are pending again on that step; of a staff
  import, the assignments it ended are active again and those it added are ended; of a student import, the students
  it created are removed (unless decided since), updated students and people get their earlier values back.
${PREVIEW}
example:
  lixiao undo 42 --dry-run`,
  decide: `lixiao decide pass|return|revoke --step KEY [--reason R] [--dry-run|--yes] STUDENT_NO...
  An administrator's decision, audited as cli:<user>. A return needs --reason.
${PREVIEW}
example:
  lixiao decide revoke --step library 202301001 202301002`,
  status: `lixiao status STUDENT_NO [--json]
  One student's steps (times in LIXIAO_TIMEZONE). --json prints exactly one JSON object.
example:
  lixiao status 202301002`,
  report: `lixiao report [--college X] [--season S] [--format table|csv|json]
  Progress per college and step (a purged season: the report kept at the purge).
example:
  lixiao report --college 计算机学院 --format csv`,
  spotcheck: `lixiao spotcheck --step KEY [--sample N] [--since YYYY-MM-DD] [--format table|csv|json]
  A random sample of a step's decisions (抽查): when (LIXIAO_TIMEZONE), who, as which role, from where.
example:
  lixiao spotcheck --step library --sample 10`,
  migrate: `lixiao migrate
  Applies pending database migrations (every command does this first anyway).`,
  demo: `lixiao demo
  Loads the demo season into an empty database.`,
  job: `lixiao job run NAME [--now]
  Runs a scheduled job now for its current slot: digest, nudge, remind, escalate, cleanup. Inside quiet hours
  (LIXIAO_QUIET_HOURS) the messages it queues wait for their end, unless --now.
example:
  lixiao job run digest`,
  delegate: `lixiao delegate FROM TO --until YYYY-MM-DD
lixiao delegate away FROM --until YYYY-MM-DD
lixiao delegate end FROM
lixiao delegate list [--json]
  FROM TO --until   TO stands in for FROM (代理) through the end of that day (LIXIAO_TIMEZONE): TO sees FROM's students
                    in 待办 and decides them as "TO（代 FROM）"; FROM's digests and nudges go to TO. Replaces FROM's
                    stand-in or absence. Ends by itself.
  away FROM --until FROM is away with nobody named (休假): not nudged; the college digest names offices left uncovered.
  end FROM          ends FROM's stand-in or absence now.
  list [--json]     the delegations in force: a JSON array of { "id", "kind" (stand_in | away | authorised),
                    "fromPersonId", "from", "toPersonId", "to", "startsAt", "endsAt" (ISO-8601, exclusive), "createdBy" }
  People are named by WeCom userid (often the 工号), email, mobile, Feishu open_id or user_id, or name (staff only;
  an unknown or ambiguous name is refused with the candidates). Audited as cli:<user>. A date before today, more
  than a year ahead, or naming oneself is refused and changes nothing (exit 1).
example:
  lixiao delegate 图书馆员 lib-wang --until 2026-08-31
  lixiao delegate end 图书馆员`,
  purge: `lixiao purge --season LABEL [--include-open]
  Removes a closed season's personal data and keeps its report. Run as the tables' owner.
example:
  lixiao purge --season 2025`,
};

/** The help a command line asks for, or undefined if it does not ask for help. */
export function helpFor(argv: string[]): string | undefined {
  if (!argv.includes('--help') && !argv.includes('-h')) return undefined;
  const words = argv.filter((a) => !a.startsWith('-'));
  return HELP[words.slice(0, 2).join(' ')] ?? HELP[words[0] ?? ''] ?? USAGE;
}
