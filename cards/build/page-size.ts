// How many rows a list card can hold: the most a page may show, and the search for the most that fit a platform's limits.
import type { Card } from '../model.ts';
import { feishuSize } from '../render/feishu.ts';
import { MAX_BYTES, MAX_ELEMENTS } from '../render/feishu-limits.ts';

/** `buttons`: a row per student with its own buttons (Feishu, the console); `checklist`: checkboxes and one submit (WeCom). */
export type Layout = 'buttons' | 'checklist';

/**
 * The most students a page ever shows. WeCom's checkbox holds 1-20 options ("选项个数不超过 20 个",
 * developer.work.weixin.qq.com/document/path/90236), and a page passed at once is answered with all its rows.
 */
export const MAX_PAGE = 20;

/** The most rows a tap decides at once (handlers cap 通过所选 and 本页全部通过 at 50), so the most results a card may list. */
export const MAX_RESULTS = 50;

/** Whether Feishu takes the card as it is, counted as its documentation counts (cards/render/feishu-limits.ts). */
export function fitsFeishu(card: Card): boolean {
  const { elements, bytes } = feishuSize(card);
  return elements <= MAX_ELEMENTS && bytes <= MAX_BYTES;
}

/** The largest n in 0..max for which `fits(n)` holds, assuming it holds for every smaller n once it holds for one. */
export function largestFitting(max: number, fits: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
