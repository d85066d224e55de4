// The neutral events handlers take and the replies they give; every platform (console, Feishu, WeCom) speaks these.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Card, Tone } from '../cards/index.ts';
import type { Platform } from '../src/people/identify.ts';
import type { DeliveryPlatform } from '../src/delivery/deliver.ts';
import type { Workflow } from '../src/workflow/schema.ts';
import type { CountMemo } from '../src/reports/count-memo.ts';
import type { ClearanceItem } from '../src/reports/pending-for.ts';
import type { DrawnCopy } from '../src/delivery/delivered-cards.ts';
import type { Signer } from '../src/certificates/signing-keys.ts';

export interface Who {
  platform: Platform;
  /** console: person id; feishu: open_id; wecom: userid */
  userId: string;
  /** feishu user_id, when the app has the scope */
  altId?: string;
}

export interface ChatMessage {
  who: Who;
  text: string;
  /** the platform's id of the delivery, for the audit trail */
  eventId?: string;
}

export interface CardTap {
  who: Who;
  /** the tapped button's value: untrusted */
  value: Record<string, unknown>;
  /** typed into the card (a return's reason) */
  input?: Record<string, string>;
  /** checked options of a checklist */
  selected?: string[];
  eventId?: string;
  /** what the tapped card showed, when the platform remembers it (our own record, never the card's values),
   *  with its rows as they are now when the platform read them along */
  shown?: { page: number; clearanceIds: number[]; items?: ClearanceItem[]; redrawn?: DrawnCopy };
}

export interface Reply {
  card: Card;
  toast?: { tone: Tone; text: string };
  /** the tapped copy was marked drawn by the decision's own write (shown.redrawn): no statement of its own is needed */
  markedDrawn?: boolean;
}

/** What the platform can show, so handlers choose a card layout without knowing the platform. */
export interface Caps {
  layout: 'buttons' | 'checklist';
}

export interface Deps {
  orm: MikroORM;
  wf: Workflow;
  timeZone: string;
  publicUrl: string;
  /** where people can be reached (for jobs and nudges that send outside a conversation) */
  platforms?: DeliveryPlatform[];
  /** the service's second-long memory of pending counts; without it every card counts afresh */
  counts?: CountMemo;
  /** LIXIAO_QUIET_HOURS: notices that nobody asked for wait for their end */
  quietHours?: string;
  /** the clock (tests set it); the wall clock without it */
  now?: () => Date;
  /** signs certificates (离校证明); without it none is issued */
  signer?: Signer;
}

/** A card to deliver to a person, outside any conversation (a notice, a digest). */
export interface Outgoing {
  personId: number;
  card: Card;
  /** stable id of this notice, so a retried job does not send it twice */
  key: string;
  /** a student's notice of one change: it may wait to be told together with others (the coalescing window) */
  about?: { clearanceId: number; version: number };
}
