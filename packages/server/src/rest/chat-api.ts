import { isWellFormedText, userIdProblem } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { RoomStore } from "../rooms/commands.ts";
import { IMAGE_TAG, NICK_TAG, profileValue, type AccountInput } from "../rooms/accounts.ts";
import type { FieldReader } from "../rooms/field-reader.ts";
import type { RestCommand } from "./live-engine-api.ts";
import { topLevel } from "./rest-server.ts";

/**
 * The Chat account and profile calls Live apps make (Tencent Chat REST: im_open_login_svc 34953-34956,
 * profile 34916-34917). Chat answers its fields beside ActionStatus, not inside `Response`, and has
 * its own codes for bad input: 70402 (accounts) and 40001 (profiles) where Live says 100002.
 */

/** Tencent Chat: at most 100 accounts per batch call; a profile value is at most 500 bytes. */
const BATCH_MAX = 100;
const PROFILE_VALUE_BYTES = 500;

/**
 * Chat's standard profile tags and what each takes (Tencent Chat: profile fields); a custom tag
 * (`Tag_Profile_Custom_<name>`, up to 16 letters, digits or underscores) takes a string or an
 * unsigned integer.
 */
const STANDARD_TAGS: Record<string, "string" | "uint" | readonly string[]> = {
  Tag_Profile_IM_Nick: "string",
  Tag_Profile_IM_Image: "string",
  Tag_Profile_IM_Gender: ["Gender_Type_Unknown", "Gender_Type_Female", "Gender_Type_Male"],
  Tag_Profile_IM_BirthDay: "uint",
  Tag_Profile_IM_Location: "string",
  Tag_Profile_IM_SelfSignature: "string",
  Tag_Profile_IM_AllowType: [
    "AllowType_Type_NeedConfirm",
    "AllowType_Type_AllowAny",
    "AllowType_Type_DenyAny",
  ],
  Tag_Profile_IM_Language: "uint",
  Tag_Profile_IM_MsgSettings: "uint",
  Tag_Profile_IM_AdminForbidType: ["AdminForbid_Type_None", "AdminForbid_Type_SendOut"],
  Tag_Profile_IM_Level: "uint",
  Tag_Profile_IM_Role: "uint",
};

function profileTagKind(tag: string): "string" | "uint" | "any" | readonly string[] | undefined {
  if (Object.hasOwn(STANDARD_TAGS, tag)) return STANDARD_TAGS[tag];
  return /^Tag_Profile_Custom_[A-Za-z0-9_]{1,16}$/.test(tag) ? "any" : undefined;
}

/** Runs a command, answering bad input with the service's own code instead of Live's 100002. */
function withCode(code: 70402 | 40001, cmd: RestCommand): RestCommand {
  return async (ctx, body) => {
    try {
      return await cmd(ctx, body);
    } catch (e) {
      if (e instanceof LiveError && e.code === 100002) throw new LiveError(code, e.message);
      throw e;
    }
  };
}

/** A Chat UserID: the same rule as every user id here (1-32 bytes). */
function accountId(body: FieldReader, field: string): string {
  return body.userId(field, { required: true });
}

function profileString(body: FieldReader, field: string): string | undefined {
  const v = body.string(field);
  if (v !== undefined && Buffer.byteLength(v) > PROFILE_VALUE_BYTES)
    throw new LiveError(40601, `${field} is over ${PROFILE_VALUE_BYTES} bytes`);
  return v;
}

/** An array of objects, each read by `read`, at most BATCH_MAX. */
function objectList<T>(body: FieldReader, field: string, read: (r: FieldReader) => T): T[] {
  const items = body.objectList(field, { maxItems: BATCH_MAX });
  if (items.length === 0) throw new LiveError(100002, `${field} must not be empty`);
  return items.map(read);
}

export function accountApi(store: RoomStore): Record<string, RestCommand> {
  return {
    account_import: withCode(70402, async (ctx, body) => {
      // Chat's current page says UserID; its older pages said Identifier.
      const userId = accountId(body, body.has("UserID") ? "UserID" : "Identifier");
      const account: AccountInput = { userId };
      const nick = profileString(body, "Nick");
      const face = profileString(body, "FaceUrl");
      if (nick !== undefined) account.nick = nick;
      if (face !== undefined) account.faceUrl = face;
      await store.write({ op: "importAccounts", appId: ctx.appId, accounts: [account], nowMs: ctx.nowMs });
      return undefined;
    }),

    multiaccount_import: withCode(70402, async (ctx, body) => {
      if (body.has("AccountList") && body.has("Accounts"))
        throw new LiveError(100002, "give AccountList (or the older Accounts), not both");
      // An entry whose id or profile is not acceptable fails alone (FailAccounts); the rest import.
      const accounts: AccountInput[] = [];
      const failed: string[] = [];
      const attempt = (id: string, read: () => AccountInput) => {
        try {
          accounts.push(read());
        } catch (e) {
          if (!(e instanceof LiveError)) throw e;
          failed.push(id);
        }
      };
      if (body.has("AccountList")) {
        for (const r of objectList(body, "AccountList", (x) => x)) {
          const id = r.string("UserID", { required: true });
          attempt(id, () => {
            const a: AccountInput = { userId: accountId(r, "UserID") };
            const nick = profileString(r, "Nick");
            const face = profileString(r, "FaceUrl");
            if (nick !== undefined) a.nick = nick;
            if (face !== undefined) a.faceUrl = face;
            return a;
          });
        }
      } else {
        // The older form: a list of ids.
        for (const id of body.stringList("Accounts", { maxItems: BATCH_MAX }))
          attempt(id, () => {
            const problem = userIdProblem(id);
            if (problem !== undefined) throw new LiveError(100002, `Accounts: ${problem}`);
            return { userId: id };
          });
      }
      if (accounts.length > 0)
        await store.write({ op: "importAccounts", appId: ctx.appId, accounts, nowMs: ctx.nowMs });
      return topLevel({ FailAccounts: failed });
    }),

    account_check: withCode(70402, async (ctx, body) => {
      const ids = objectList(body, "CheckItem", (r) => accountId(r, "UserID"));
      const found = await store.read(async (tx) =>
        Promise.all(ids.map(async (u) => (await tx.getAccount(ctx.appId, u)) !== undefined)),
      );
      return topLevel({
        ResultItem: ids.map((UserID, i) => ({
          UserID,
          ResultCode: 0,
          ResultInfo: "",
          AccountStatus: found[i] === true ? "Imported" : "NotImported",
        })),
      });
    }),

    account_delete: withCode(70402, async (ctx, body) => {
      const ids = objectList(body, "DeleteItem", (r) => accountId(r, "UserID"));
      const existed = await store.write({ op: "deleteAccounts", appId: ctx.appId, userIds: ids });
      return topLevel({
        ResultItem: ids.map((UserID, i) =>
          existed[i] === true
            ? { ResultCode: 0, ResultInfo: "", UserID }
            : { ResultCode: 70107, ResultInfo: "the account does not exist", UserID },
        ),
      });
    }),
  };
}

export function profileApi(store: RoomStore): Record<string, RestCommand> {
  return {
    portrait_get: withCode(40001, async (ctx, body) => {
      const ids = body.userIdList("To_Account", { maxItems: BATCH_MAX });
      const tags = body.has("TagList")
        ? [...new Set(body.stringList("TagList", { maxItems: 100 }))]
        : [NICK_TAG, IMAGE_TAG];
      const accounts = await store.read((tx) => Promise.all(ids.map((u) => tx.getAccount(ctx.appId, u))));
      return topLevel({
        UserProfileItem: ids.map((To_Account, i) => {
          const a = accounts[i];
          if (a === undefined)
            return {
              To_Account,
              ProfileItem: [],
              ResultCode: 40003,
              ResultInfo: "the account does not exist",
            };
          const ProfileItem = tags.flatMap((Tag) => {
            const Value = profileValue(a, Tag);
            return Value === undefined ? [] : [{ Tag, Value }];
          });
          return { To_Account, ProfileItem, ResultCode: 0, ResultInfo: "" };
        }),
        ErrorDisplay: "",
      });
    }),

    portrait_set: withCode(40001, async (ctx, body) => {
      const userId = body.userId("From_Account", { required: true });
      const items = objectList(body, "ProfileItem", (r) => {
        const Tag = r.string("Tag", { required: true, minBytes: 1, maxBytes: 64 });
        const kind = profileTagKind(Tag);
        if (kind === undefined)
          throw new LiveError(
            100002,
            `ProfileItem Tag "${Tag}" is neither a standard tag (${Object.keys(STANDARD_TAGS).join(", ")}) nor Tag_Profile_Custom_<name>`,
          );
        const raw = r.raw("Value");
        const uint = typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0 && raw <= 0xffffffff;
        let Value: string | number;
        if (typeof raw === "string" && kind !== "uint") {
          if (!isWellFormedText(raw))
            throw new LiveError(100002, `the value of ${Tag} holds a lone surrogate half`);
          if (Buffer.byteLength(raw) > PROFILE_VALUE_BYTES)
            throw new LiveError(40601, `the value of ${Tag} is over ${PROFILE_VALUE_BYTES} bytes`);
          if (Array.isArray(kind) && !kind.includes(raw))
            throw new LiveError(100002, `${Tag} takes one of ${kind.join(", ")}`);
          Value = raw;
        } else if (uint && (kind === "uint" || kind === "any")) Value = raw;
        else {
          const wanted =
            kind === "uint"
              ? "an unsigned 32-bit integer"
              : kind === "any"
                ? "a string or an unsigned 32-bit integer"
                : "a string";
          throw new LiveError(100002, `ProfileItem Value of ${Tag} must be ${wanted}`);
        }
        return { Tag, Value };
      });
      const ok = await store.write({ op: "setProfile", appId: ctx.appId, userId, items });
      if (!ok) throw new LiveError(40003, `${userId} was never imported (im_open_login_svc/account_import)`);
      return topLevel({ ErrorDisplay: "" });
    }),
  };
}
