import type { AccountRecord, StoreTx } from "../store/store.ts";

/**
 * Chat accounts (Tencent Chat: im_open_login_svc account_import 34953, multiaccount_import 34954,
 * account_delete 34955; profile portrait_set 34916): the App backend imports its users with a
 * nickname and an avatar. roomhook checks rooms' owners and robots against them only when the app's
 * `requireAccounts` is on (off by default, so that a quick start needs no import).
 */
export interface AccountInput {
  userId: string;
  nick?: string;
  faceUrl?: string;
}

/** The profile tags kept in their own fields; any other tag is kept in `tags`. */
export const NICK_TAG = "Tag_Profile_IM_Nick";
export const IMAGE_TAG = "Tag_Profile_IM_Image";

/** Imports each account; importing one again updates the profile fields it names. */
export async function importAccounts(
  tx: StoreTx,
  p: { appId: number; accounts: AccountInput[]; nowMs: number },
): Promise<void> {
  for (const a of p.accounts) {
    const was = await tx.getAccount(p.appId, a.userId);
    await tx.putAccount(p.appId, {
      userId: a.userId,
      nick: a.nick ?? was?.nick ?? "",
      faceUrl: a.faceUrl ?? was?.faceUrl ?? "",
      tags: was?.tags ?? {},
      createdMs: was?.createdMs ?? p.nowMs,
    });
  }
}

/**
 * Deletes each account in order; resolves with whether each existed then (an id given twice: the
 * second finds it gone).
 */
export async function deleteAccounts(
  tx: StoreTx,
  p: { appId: number; userIds: string[] },
): Promise<boolean[]> {
  const existed: boolean[] = [];
  for (const u of p.userIds) existed.push(await tx.removeAccount(p.appId, u));
  return existed;
}

/** Sets profile tags of an imported account; false when it was never imported. */
export async function setProfile(
  tx: StoreTx,
  p: { appId: number; userId: string; items: { Tag: string; Value: string | number }[] },
): Promise<boolean> {
  const was = await tx.getAccount(p.appId, p.userId);
  if (was === undefined) return false;
  const next: AccountRecord = { ...was, tags: { ...was.tags } };
  for (const { Tag, Value } of p.items) {
    if (Tag === NICK_TAG) next.nick = String(Value);
    else if (Tag === IMAGE_TAG) next.faceUrl = String(Value);
    else next.tags[Tag] = Value;
  }
  await tx.putAccount(p.appId, next);
  return true;
}

/** A tag's value as portrait_get answers it; undefined when never set. */
export function profileValue(a: AccountRecord, tag: string): string | number | undefined {
  if (tag === NICK_TAG) return a.nick;
  if (tag === IMAGE_TAG) return a.faceUrl;
  return Object.hasOwn(a.tags, tag) ? a.tags[tag] : undefined;
}
