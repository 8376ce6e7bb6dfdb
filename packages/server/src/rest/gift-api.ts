import { LiveError } from "../live-error.ts";
import type { RoomStore } from "../rooms/commands.ts";
import type { FieldReader } from "../rooms/field-reader.ts";
import type { GiftSender } from "../rooms/gift-sender.ts";
import {
  categoryOf,
  giftLimits,
  giftOf,
  GIFT_LANGUAGES,
  readCatalog,
  type Gift,
  type GiftCatalog,
  type GiftChange,
  type GiftLanguage,
} from "../rooms/gifts.ts";
import { requireRoom } from "../rooms/room-lifecycle.ts";
import type { RestCommand } from "./live-engine-api.ts";
import { topLevel } from "./rest-server.ts";

/**
 * The gift commands of `live_engine_http_srv` (Tencent's gift pages; their payload sits beside
 * ActionStatus for the catalog reads, as the pages show, and in `Response` for get_gift_count and
 * get_gift_info_list).
 */

const RECEIVERS_MAX = 100;

function jsonText(r: FieldReader, field: string): string | undefined {
  const v = r.string(field, { maxBytes: giftLimits.extensionBytes });
  if (v !== undefined && v !== "") {
    try {
      JSON.parse(v);
    } catch {
      throw new LiveError(100002, `${field} must be a JSON string`);
    }
  }
  return v;
}

const id = (r: FieldReader, field: string) =>
  r.string(field, { required: true, minBytes: 1, maxBytes: giftLimits.idBytes });

function language(r: FieldReader): GiftLanguage {
  return r.oneOf("Language", GIFT_LANGUAGES, { required: true });
}

/** A gift's fields of add_gift / edit_gift: `required` for add_gift. */
function giftFields(r: FieldReader, required: boolean) {
  const fields: Partial<Omit<Gift, "languages" | "CreateTime" | "GiftId">> = {};
  const set = <K extends keyof typeof fields>(k: K, v: (typeof fields)[K] | undefined) => {
    if (v !== undefined) fields[k] = v;
  };
  set("IconUrl", r.string("IconUrl", { maxBytes: giftLimits.urlBytes }));
  set("ResourceUrl", r.string("ResourceUrl", { maxBytes: giftLimits.urlBytes }));
  set("Coins", r.int("Coins", { required, min: 0, max: 0xffffffff }));
  set("Level", r.int("Level", { min: 0, max: 0xffffffff }));
  set("ExtensionInfo", jsonText(r, "ExtensionInfo"));
  // The page marks DefaultName required, and its own sample sends "": present, possibly empty.
  set("DefaultName", r.string("DefaultName", { required, maxBytes: giftLimits.nameBytes }));
  set("DefaultDesc", r.string("DefaultDesc", { maxBytes: giftLimits.descBytes }));
  return fields;
}

function categoryFields(r: FieldReader, required: boolean) {
  const fields: { ExtensionInfo?: string; DefaultName?: string; DefaultDesc?: string } = {};
  const ext = jsonText(r, "ExtensionInfo");
  const name = r.string("DefaultName", { required, maxBytes: giftLimits.nameBytes });
  const desc = r.string("DefaultDesc", { maxBytes: giftLimits.categoryDescBytes });
  if (ext !== undefined) fields.ExtensionInfo = ext;
  if (name !== undefined) fields.DefaultName = name;
  if (desc !== undefined) fields.DefaultDesc = desc;
  return fields;
}

/** Tencent's console asks for "zh": its gifts' Chinese names are zh-Hans. */
function lookupLanguage(lang: string | undefined): GiftLanguage | undefined {
  if (lang === undefined || lang === "") return undefined;
  if (lang === "zh") return "zh-Hans";
  return (GIFT_LANGUAGES as readonly string[]).includes(lang) ? (lang as GiftLanguage) : undefined;
}

function giftInfo(g: Gift) {
  return {
    GiftId: g.GiftId,
    IconUrl: g.IconUrl,
    ResourceUrl: g.ResourceUrl,
    Coins: g.Coins,
    Level: g.Level,
    ExtensionInfo: g.ExtensionInfo,
    DefaultName: g.DefaultName,
    DefaultDesc: g.DefaultDesc,
  };
}

function infoList(c: GiftCatalog, lang: GiftLanguage | undefined) {
  return {
    GiftList: Object.values(c.gifts).map((g) => {
      const l = lang === undefined ? undefined : g.languages[lang];
      return {
        GiftId: g.GiftId,
        Name: l?.Name ?? g.DefaultName,
        Desc: l?.Desc ?? g.DefaultDesc,
        IconUrl: g.IconUrl,
        ResourceUrl: g.ResourceUrl,
        Coins: g.Coins,
        Level: g.Level,
        ExtensionInfo: g.ExtensionInfo,
        LanguageList: Object.keys(g.languages),
        CreateTime: g.CreateTime,
      };
    }),
    CategoryList: Object.values(c.categories).map((x) => {
      const l = lang === undefined ? undefined : x.languages[lang];
      return {
        CategoryId: x.CategoryId,
        CategoryName: l?.CategoryName ?? x.DefaultName,
        CategoryDesc: l?.CategoryDesc ?? x.DefaultDesc,
        CategoryExtension: x.ExtensionInfo,
        GiftIdList: x.GiftIdList,
        LanguageList: Object.keys(x.languages),
      };
    }),
  };
}

export function giftApi(store: RoomStore, gifts: GiftSender): Record<string, RestCommand> {
  const change = async (appId: number, nowMs: number, ch: GiftChange) =>
    store.write({ op: "changeGiftCatalog", appId, change: ch, nowMs });
  const catalog = (appId: number) => store.read((tx) => readCatalog(tx, appId));
  const giftIdList = (r: FieldReader) => {
    const ids = r.stringList("GiftIdList", { maxItems: giftLimits.maxGifts });
    if (ids.length === 0) throw new LiveError(100002, "GiftIdList must not be empty");
    return [...new Set(ids)];
  };

  return {
    async send_gift(ctx, body) {
      const roomId = body.roomId();
      const giftId = id(body, "GiftId");
      // The page's sample sends Count; its field table forgets it: optional, 1 by default.
      const count = body.int("Count", { min: 1, max: giftLimits.maxCount }) ?? 1;
      const from = body.userId("From_Account", { required: true });
      const receivers = body.userIdList("ReceiverList_Account", { maxItems: RECEIVERS_MAX });
      await gifts.send(ctx, { roomId, from, receivers, giftId, count, byMember: false });
      return undefined;
    },

    async get_gift_count(ctx, body) {
      const roomId = body.roomId();
      // Tencent's newer page: From_Account is the gift receiver (its console passes the owner).
      const to = body.userId("From_Account", { required: true });
      const stats = await store.read(async (tx) => {
        await requireRoom(tx, ctx.appId, roomId);
        return tx.getGiftStats(ctx.appId, roomId, to);
      });
      // Sequence is unexplained on the page: roomhook answers the gift count, which only grows.
      return {
        Sequence: stats.gifts,
        TotalCount: stats.gifts,
        TotalCoins: stats.coins,
        GiftSenderCount: stats.senders,
      };
    },

    async add_gift(ctx, body) {
      const giftId = id(body, "GiftId");
      const fields = giftFields(body, true);
      await change(ctx.appId, ctx.nowMs, {
        kind: "addGift",
        gift: {
          GiftId: giftId,
          IconUrl: fields.IconUrl ?? "",
          ResourceUrl: fields.ResourceUrl ?? "",
          Coins: fields.Coins ?? 0,
          Level: fields.Level ?? 0,
          ExtensionInfo: fields.ExtensionInfo ?? "",
          DefaultName: fields.DefaultName ?? "",
          DefaultDesc: fields.DefaultDesc ?? "",
        },
      });
      return undefined;
    },

    async edit_gift(ctx, body) {
      const giftId = id(body, "GiftId");
      const fields = giftFields(body, false);
      if (Object.keys(fields).length === 0)
        throw new LiveError(100002, "edit_gift must change at least one field");
      await change(ctx.appId, ctx.nowMs, { kind: "editGift", giftId, fields });
      return undefined;
    },

    async del_gift(ctx, body) {
      await change(ctx.appId, ctx.nowMs, { kind: "delGift", giftId: id(body, "GiftId") });
      return undefined;
    },

    async get_gift(ctx, body) {
      const giftId = id(body, "GiftId");
      return topLevel({ GiftInfo: giftInfo(giftOf(await catalog(ctx.appId), giftId)) });
    },

    async get_gift_info_list(ctx, body) {
      const asked = body.string("Language", { maxBytes: 16 });
      const lang = lookupLanguage(asked);
      if (asked !== undefined && asked !== "" && lang === undefined)
        throw new LiveError(100002, `Language must be one of ${GIFT_LANGUAGES.join(", ")} (or zh)`);
      return infoList(await catalog(ctx.appId), lang);
    },

    async add_gift_category(ctx, body) {
      const categoryId = id(body, "CategoryId");
      const f = categoryFields(body, true);
      await change(ctx.appId, ctx.nowMs, {
        kind: "addCategory",
        category: {
          CategoryId: categoryId,
          ExtensionInfo: f.ExtensionInfo ?? "",
          DefaultName: f.DefaultName ?? "",
          DefaultDesc: f.DefaultDesc ?? "",
        },
      });
      return undefined;
    },

    async edit_gift_category(ctx, body) {
      const categoryId = id(body, "CategoryId");
      const fields = categoryFields(body, false);
      if (Object.keys(fields).length === 0)
        throw new LiveError(100002, "edit_gift_category must change at least one field");
      await change(ctx.appId, ctx.nowMs, { kind: "editCategory", categoryId, fields });
      return undefined;
    },

    async del_gift_category(ctx, body) {
      await change(ctx.appId, ctx.nowMs, { kind: "delCategory", categoryId: id(body, "CategoryId") });
      return undefined;
    },

    async get_gift_category(ctx, body) {
      const x = categoryOf(await catalog(ctx.appId), id(body, "CategoryId"));
      return topLevel({
        GiftCategoryInfo: {
          CategoryId: x.CategoryId,
          ExtensionInfo: x.ExtensionInfo,
          DefaultName: x.DefaultName,
          DefaultDesc: x.DefaultDesc,
        },
      });
    },

    async add_gift_category_relations(ctx, body) {
      const categoryId = id(body, "CategoryId");
      const r = await change(ctx.appId, ctx.nowMs, {
        kind: "addRelations",
        categoryId,
        giftIds: giftIdList(body),
      });
      return topLevel({ InvalidGiftIdList: r.invalidGiftIds ?? [] });
    },

    async del_gift_category_relations(ctx, body) {
      const categoryId = id(body, "CategoryId");
      await change(ctx.appId, ctx.nowMs, { kind: "delRelations", categoryId, giftIds: giftIdList(body) });
      return undefined;
    },

    async get_gift_category_relations(ctx, body) {
      const x = categoryOf(await catalog(ctx.appId), id(body, "CategoryId"));
      return topLevel({ Relation: { CategoryId: x.CategoryId, GiftIdList: x.GiftIdList } });
    },

    async set_gift_language(ctx, body) {
      const giftId = id(body, "GiftId");
      const lang = language(body);
      const name = body.string("Name", { maxBytes: giftLimits.nameBytes });
      const desc = body.string("Desc", { maxBytes: giftLimits.descBytes });
      await change(ctx.appId, ctx.nowMs, {
        kind: "setGiftLanguage",
        giftId,
        language: lang,
        ...(name === undefined ? {} : { name }),
        ...(desc === undefined ? {} : { desc }),
      });
      return undefined;
    },

    async get_gift_language(ctx, body) {
      const giftId = id(body, "GiftId");
      const lang = language(body);
      const l = giftOf(await catalog(ctx.appId), giftId).languages[lang];
      if (l === undefined) throw new LiveError(100002, `gift ${giftId} has no ${lang} name`);
      return topLevel({ GiftInfo: { Name: l.Name, Desc: l.Desc } });
    },

    async del_gift_language(ctx, body) {
      await change(ctx.appId, ctx.nowMs, {
        kind: "delGiftLanguage",
        giftId: id(body, "GiftId"),
        language: language(body),
      });
      return undefined;
    },

    async set_gift_category_language(ctx, body) {
      const categoryId = id(body, "CategoryId");
      const lang = language(body);
      const name = body.string("CategoryName", { maxBytes: giftLimits.nameBytes });
      const desc = body.string("CategoryDesc", { maxBytes: giftLimits.categoryDescBytes });
      await change(ctx.appId, ctx.nowMs, {
        kind: "setCategoryLanguage",
        categoryId,
        language: lang,
        ...(name === undefined ? {} : { name }),
        ...(desc === undefined ? {} : { desc }),
      });
      return undefined;
    },

    async get_gift_category_language(ctx, body) {
      const categoryId = id(body, "CategoryId");
      const lang = language(body);
      const l = categoryOf(await catalog(ctx.appId), categoryId).languages[lang];
      if (l === undefined) throw new LiveError(100002, `gift category ${categoryId} has no ${lang} name`);
      return topLevel({ CategoryInfo: { CategoryName: l.CategoryName, CategoryDesc: l.CategoryDesc } });
    },

    async del_gift_category_language(ctx, body) {
      await change(ctx.appId, ctx.nowMs, {
        kind: "delCategoryLanguage",
        categoryId: id(body, "CategoryId"),
        language: language(body),
      });
      return undefined;
    },

    async copy_default_gift_config(ctx) {
      await change(ctx.appId, ctx.nowMs, { kind: "copyDefault" });
      return undefined;
    },
  };
}
