// Column names of the import files in Chinese as well as English: a registrar's export says 学号, not student_no.
/** Chinese header -> English column; several spellings per column where offices write them differently. */
const ALIASES: Record<string, string> = {
  学号: 'student_no',
  姓名: 'name',
  学院: 'college',
  校区: 'campus',
  学位: 'degree',
  学位类型: 'degree',
  离校类型: 'exit_type',
  截止日期: 'deadline',
  离校截止日期: 'deadline',
  手机: 'mobile',
  手机号: 'mobile',
  邮箱: 'email',
  电子邮箱: 'email',
  飞书open_id: 'feishu_open_id',
  飞书user_id: 'feishu_user_id',
  导师: 'supervisor_name',
  导师姓名: 'supervisor_name',
  导师工号: 'supervisor_no',
  导师飞书open_id: 'supervisor_feishu_open_id',
  导师飞书user_id: 'supervisor_feishu_user_id',
  导师企业微信: 'supervisor_wecom_userid',
  导师企业微信账号: 'supervisor_wecom_userid',
  导师邮箱: 'supervisor_email',
  导师手机: 'supervisor_mobile',
  导师手机号: 'supervisor_mobile',
  企业微信: 'wecom_userid',
  企业微信账号: 'wecom_userid',
  企业微信userid: 'wecom_userid',
  角色: 'role',
  环节: 'step',
  原因: 'reason',
  金额: 'amount',
  语言: 'lang',
};

/** The Chinese header shown next to an English column in messages and help. */
export const CHINESE_OF: Record<string, string> = {};
for (const [zh, en] of Object.entries(ALIASES)) CHINESE_OF[en] ??= zh;

/** The English column a header stands for (an unknown header is kept: extra columns are ignored). */
export function columnName(header: string): string {
  const h = header.trim();
  return ALIASES[h] ?? ALIASES[h.replace(/\s+/g, '')] ?? h;
}
