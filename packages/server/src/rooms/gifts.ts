import { LiveError } from "../live-error.ts";
import type { StoreReader, StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase, requireRoom } from "./room-lifecycle.ts";

/**
 * The gift catalog an app configures (Tencent: add_gift 72845, get_gift 72846, del_gift 72847, the
 * category pages 72848-72853, the language pages 72854-72859, copy_default_gift_config 74360; and
 * edit_gift, edit_gift_category, get_gift_info_list, which only Tencent's admin console shows), kept
 * as one document per app, and the gifts sent in rooms (send_gift 72556, get_gift_count 72557).
 */

/** Tencent's gift languages (set_gift_language 72854). */
export const GIFT_LANGUAGES = ["en", "zh-Hans", "zh-Hant"] as const;
export type GiftLanguage = (typeof GIFT_LANGUAGES)[number];

export interface Gift {
  GiftId: string;
  IconUrl: string;
  ResourceUrl: string;
  /** The price of one gift, in the app's virtual currency. */
  Coins: number;
  Level: number;
  ExtensionInfo: string;
  DefaultName: string;
  DefaultDesc: string;
  /** Unix seconds. */
  CreateTime: number;
  languages: Partial<Record<GiftLanguage, { Name: string; Desc: string }>>;
}

export interface GiftCategory {
  CategoryId: string;
  ExtensionInfo: string;
  DefaultName: string;
  DefaultDesc: string;
  CreateTime: number;
  languages: Partial<Record<GiftLanguage, { CategoryName: string; CategoryDesc: string }>>;
  GiftIdList: string[];
}

export interface GiftCatalog {
  gifts: Record<string, Gift>;
  categories: Record<string, GiftCategory>;
}

/** Tencent's limits (pages 72845, 72848): ids and names 20 bytes, a category's description 60. */
export const giftLimits = {
  idBytes: 20,
  nameBytes: 20,
  descBytes: 20,
  categoryDescBytes: 60,
  urlBytes: 200,
  extensionBytes: 100,
  /** Tencent: "set up to 3 gift categories". */
  maxCategories: 3,
  /** Tencent publishes none that holds across its pages; a bound on the document. */
  maxGifts: 1000,
  /** Gifts of one send_gift (Tencent publishes no bound). */
  maxCount: 100_000,
} as const;

/**
 * Sets an own property: an id is the client's, and `obj["__proto__"] = v` would set the object's
 * prototype instead of a key (the gift would be accepted and lost).
 */
export function setOwn<V>(obj: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function emptyCatalog(): GiftCatalog {
  return { gifts: {}, categories: {} };
}

export function parseCatalog(text: string | undefined): GiftCatalog {
  return text === undefined ? emptyCatalog() : (JSON.parse(text) as GiftCatalog);
}

export async function readCatalog(tx: StoreReader, appId: number): Promise<GiftCatalog> {
  return parseCatalog(await tx.getGiftCatalog(appId));
}

/** The gift, or 102002. */
export function giftOf(c: GiftCatalog, giftId: string): Gift {
  const g = Object.hasOwn(c.gifts, giftId) ? c.gifts[giftId] : undefined;
  if (g === undefined) throw new LiveError(102002, `gift ${giftId} does not exist`);
  return g;
}

/** The category, or 100002 (Tencent publishes no code of its own). */
export function categoryOf(c: GiftCatalog, categoryId: string): GiftCategory {
  const x = Object.hasOwn(c.categories, categoryId) ? c.categories[categoryId] : undefined;
  if (x === undefined) throw new LiveError(100002, `gift category ${categoryId} does not exist`);
  return x;
}

/** One change of the catalog, as data (it crosses to SQLite's writer thread). */
export type GiftChange =
  | { kind: "addGift"; gift: Omit<Gift, "languages" | "CreateTime"> }
  | { kind: "editGift"; giftId: string; fields: Partial<Omit<Gift, "languages" | "CreateTime" | "GiftId">> }
  | { kind: "delGift"; giftId: string }
  | {
      kind: "addCategory";
      category: Pick<GiftCategory, "CategoryId" | "ExtensionInfo" | "DefaultName" | "DefaultDesc">;
    }
  | {
      kind: "editCategory";
      categoryId: string;
      fields: Partial<Pick<GiftCategory, "ExtensionInfo" | "DefaultName" | "DefaultDesc">>;
    }
  | { kind: "delCategory"; categoryId: string }
  | { kind: "addRelations"; categoryId: string; giftIds: string[] }
  | { kind: "delRelations"; categoryId: string; giftIds: string[] }
  | { kind: "setGiftLanguage"; giftId: string; language: GiftLanguage; name?: string; desc?: string }
  | { kind: "delGiftLanguage"; giftId: string; language: GiftLanguage }
  | {
      kind: "setCategoryLanguage";
      categoryId: string;
      language: GiftLanguage;
      name?: string;
      desc?: string;
    }
  | { kind: "delCategoryLanguage"; categoryId: string; language: GiftLanguage }
  | { kind: "copyDefault" };

/**
 * Applies one change to the app's catalog in the command's transaction; resolves with what the
 * answer needs (add_gift_category_relations: the gift ids it could not add).
 */
export async function changeGiftCatalog(
  tx: StoreTx,
  p: { appId: number; change: GiftChange; nowMs: number },
): Promise<{ invalidGiftIds?: string[] }> {
  const c = await readCatalog(tx, p.appId);
  const ch = p.change;
  const now = Math.floor(p.nowMs / 1000);
  let out: { invalidGiftIds?: string[] } = {};
  switch (ch.kind) {
    case "addGift":
      if (Object.hasOwn(c.gifts, ch.gift.GiftId))
        throw new LiveError(100002, `gift ${ch.gift.GiftId} exists already: use edit_gift`);
      if (Object.keys(c.gifts).length >= giftLimits.maxGifts)
        throw new LiveError(100002, `an app has at most ${giftLimits.maxGifts} gifts`);
      setOwn(c.gifts, ch.gift.GiftId, { ...ch.gift, CreateTime: now, languages: {} });
      break;
    case "editGift":
      Object.assign(giftOf(c, ch.giftId), ch.fields);
      break;
    case "delGift":
      giftOf(c, ch.giftId);
      // Tencent: the gift's languages and category relations go with it.
      Reflect.deleteProperty(c.gifts, ch.giftId);
      for (const cat of Object.values(c.categories))
        cat.GiftIdList = cat.GiftIdList.filter((g) => g !== ch.giftId);
      break;
    case "addCategory":
      if (Object.hasOwn(c.categories, ch.category.CategoryId))
        throw new LiveError(100002, `gift category ${ch.category.CategoryId} exists already`);
      if (Object.keys(c.categories).length >= giftLimits.maxCategories)
        throw new LiveError(100002, `an app has at most ${giftLimits.maxCategories} gift categories`);
      setOwn(c.categories, ch.category.CategoryId, {
        ...ch.category,
        CreateTime: now,
        languages: {},
        GiftIdList: [],
      });
      break;
    case "editCategory":
      Object.assign(categoryOf(c, ch.categoryId), ch.fields);
      break;
    case "delCategory":
      categoryOf(c, ch.categoryId);
      Reflect.deleteProperty(c.categories, ch.categoryId);
      break;
    case "addRelations": {
      const cat = categoryOf(c, ch.categoryId);
      const invalid = ch.giftIds.filter((g) => !Object.hasOwn(c.gifts, g));
      for (const g of ch.giftIds)
        if (!invalid.includes(g) && !cat.GiftIdList.includes(g)) cat.GiftIdList.push(g);
      out = { invalidGiftIds: invalid };
      break;
    }
    case "delRelations": {
      const cat = categoryOf(c, ch.categoryId);
      cat.GiftIdList = cat.GiftIdList.filter((g) => !ch.giftIds.includes(g));
      break;
    }
    case "setGiftLanguage": {
      const g = giftOf(c, ch.giftId);
      const was = g.languages[ch.language];
      // Tencent: Name is required the first time; later calls change only the fields they give.
      if (was === undefined && ch.name === undefined)
        throw new LiveError(
          100002,
          `Name is required the first time ${ch.language} is set for gift ${ch.giftId}`,
        );
      g.languages[ch.language] = { Name: ch.name ?? was?.Name ?? "", Desc: ch.desc ?? was?.Desc ?? "" };
      break;
    }
    case "delGiftLanguage":
      Reflect.deleteProperty(giftOf(c, ch.giftId).languages, ch.language);
      break;
    case "setCategoryLanguage": {
      const cat = categoryOf(c, ch.categoryId);
      const was = cat.languages[ch.language];
      if (was === undefined && ch.name === undefined)
        throw new LiveError(100002, `CategoryName is required the first time ${ch.language} is set`);
      cat.languages[ch.language] = {
        CategoryName: ch.name ?? was?.CategoryName ?? "",
        CategoryDesc: ch.desc ?? was?.CategoryDesc ?? "",
      };
      break;
    }
    case "delCategoryLanguage":
      Reflect.deleteProperty(categoryOf(c, ch.categoryId).languages, ch.language);
      break;
    case "copyDefault":
      if (Object.keys(c.gifts).length > 0 || Object.keys(c.categories).length > 0)
        throw new LiveError(
          100002,
          "copy_default_gift_config needs an empty gift configuration (Tencent: no other gift configuration may exist)",
        );
      Object.assign(c, defaultCatalog(now));
      break;
  }
  await tx.putGiftCatalog(p.appId, JSON.stringify(c));
  return out;
}

/**
 * roomhook's default catalog for copy_default_gift_config: as Tencent's, 3 categories and 15 gifts
 * (Tencent does not publish its own list; these names, prices and URLs are roomhook's).
 */
export function defaultCatalog(nowSec: number): GiftCatalog {
  const names = [
    ["rose", "Rose", 1],
    ["heart", "Heart", 5],
    ["clap", "Clap", 10],
    ["star", "Star", 20],
    ["cake", "Cake", 50],
    ["balloon", "Balloon", 80],
    ["crown", "Crown", 100],
    ["diamond", "Diamond", 200],
    ["car", "Sports car", 500],
    ["yacht", "Yacht", 1000],
    ["rocket", "Rocket", 2000],
    ["castle", "Castle", 5000],
    ["planet", "Planet", 8000],
    ["galaxy", "Galaxy", 10000],
    ["universe", "Universe", 20000],
  ] as const;
  const c = emptyCatalog();
  for (const [id, name, coins] of names)
    c.gifts[id] = {
      GiftId: id,
      IconUrl: `https://gifts.roomhook.invalid/${id}.png`,
      ResourceUrl: "",
      Coins: coins,
      Level: 0,
      ExtensionInfo: "",
      DefaultName: name,
      DefaultDesc: "",
      CreateTime: nowSec,
      languages: {},
    };
  const cats: [string, string, string[]][] = [
    ["popular", "Popular", ["rose", "heart", "clap", "star", "cake"]],
    ["luxury", "Luxury", ["crown", "diamond", "car", "yacht", "rocket"]],
    ["special", "Special", ["balloon", "castle", "planet", "galaxy", "universe"]],
  ];
  for (const [id, name, gifts] of cats)
    c.categories[id] = {
      CategoryId: id,
      ExtensionInfo: "",
      DefaultName: name,
      DefaultDesc: "",
      CreateTime: nowSec,
      languages: {},
      GiftIdList: gifts,
    };
  return c;
}

/** A gift sent in a room: pushed to its members in order with the room's events, never called back. */
export interface RoomGiftPacket {
  CallbackCommand: typeof ROOM_GIFT;
  RoomId: string;
  From_Account: string;
  ReceiverList_Account: string[];
  GiftId: string;
  Count: number;
  /** The price of one gift at the moment it was sent. */
  Coins: number;
  EventTime: number;
}

/** The command of a gift's room event: roomhook's own, which no CallbackCommandList can name. */
export const ROOM_GIFT = "roomhook.Gift" as const;

/**
 * Sends a gift in the room, after the App backend allowed it: counted for each receiver in the
 * room's statistics, appended as the room's event (pushed). `byMember`: the sender must be in the
 * room (the client path). The gift's price is read again here: the one the App backend was shown.
 */
export async function sendGift(
  tx: StoreTx,
  ctx: OpContext,
  p: {
    roomId: string;
    from: string;
    receivers: string[];
    giftId: string;
    count: number;
    coins: number;
    byMember: boolean;
  },
): Promise<StoredRoomEvent> {
  await requireRoom(tx, ctx.appId, p.roomId);
  if (p.byMember && (await tx.getMember(ctx.appId, p.roomId, p.from)) === undefined)
    throw new LiveError(100005, `${p.from} is not in room ${p.roomId}`, { clientCode: -2101 });
  giftOf(await readCatalog(tx, ctx.appId), p.giftId);
  // Totals are answered as JSON numbers: past 2^53 they would be answered wrong, so they stop there.
  const totals = await tx.getGiftStats(ctx.appId, p.roomId);
  const n = p.count * p.receivers.length;
  if (totals.gifts + n > Number.MAX_SAFE_INTEGER || totals.coins + n * p.coins > Number.MAX_SAFE_INTEGER)
    throw new LiveError(100002, `the room's gift totals would pass 2^53 - 1, the most they can count`);
  for (const to of p.receivers)
    await tx.addRoomGift(ctx.appId, p.roomId, { from: p.from, to, count: p.count, coins: p.count * p.coins });
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: p.roomId,
    callback: false,
    packet: {
      CallbackCommand: ROOM_GIFT,
      RoomId: p.roomId,
      From_Account: p.from,
      ReceiverList_Account: p.receivers,
      GiftId: p.giftId,
      Count: p.count,
      Coins: p.coins,
      EventTime: ctx.nowMs,
    },
  });
}
