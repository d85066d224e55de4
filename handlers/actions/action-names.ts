// The card actions a button may carry (`value.a`): one list that onTap's routing and every card's buttons are held to.
export const ACTIONS = [
  'pass',
  'return',
  'undo',
  'pass_page',
  'pass_selected',
  'page',
  'confirm_list',
  'nudge',
] as const;

export type ActionName = (typeof ACTIONS)[number];

export const isActionName = (a: unknown): a is ActionName => (ACTIONS as readonly unknown[]).includes(a);
