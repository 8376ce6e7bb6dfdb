import { readFileSync } from "node:fs";
import { isLiveCallbackCommand, liveCallbackCommands } from "@roomhook/protocol";
import { restCall, type AdminTarget, type Envelope } from "./cli-rest.ts";

/**
 * `roomhook trigger`: fixtures, the REST calls that make the server send a callback. A fixture is
 * JSON: `{"description": "…", "steps": [{"path": "live_engine_http_srv/create_room", "body": {…},
 * "tolerate": [100010]}]}`. In bodies, `{{room}}`, `{{room2}}`, `{{owner}}` and `{{user}}` are
 * replaced by the trigger's values (strings only). `tolerate` lists ErrorCodes that do not stop the
 * fixture (a room that already exists). Overrides (`--override Field=value`, a dotted path for
 * nested fields) apply to the last step's body.
 */
export interface FixtureStep {
  /** `<service>/<command>` under `/v4/`. */
  path: string;
  body: Record<string, unknown>;
  /** ErrorCodes this step may answer without stopping the fixture. */
  tolerate?: number[];
}

export interface Fixture {
  description: string;
  steps: FixtureStep[];
}

const SRV = "live_engine_http_srv";
// Tencent answers 100003 for a room that exists, 100010 when it exists and is the same owner's.
const ROOM_EXISTS = [100003, 100010];
const createRoom = (extra: Record<string, unknown> = {}): FixtureStep => ({
  path: `${SRV}/create_room`,
  body: { RoomInfo: { RoomId: "{{room}}", RoomType: "Live", Owner_Account: "{{owner}}", ...extra } },
  tolerate: ROOM_EXISTS,
});
const step = (path: string, body: Record<string, unknown>): FixtureStep => ({
  path: path.includes("/") ? path : `${SRV}/${path}`,
  body,
});

/** The built-in fixture of each callback command roomhook sends. */
export const callbackFixtures: Partial<Record<string, Fixture>> = {
  "Live.CallbackAfterCreateRoom": {
    description: "creates the room",
    steps: [{ ...createRoom(), tolerate: [] }],
  },
  "Live.CallbackAfterChangeOwner": {
    description: "creates the room if needed (owner {{owner}}), hands it over to {{user}}",
    steps: [createRoom(), step("change_room_owner", { RoomId: "{{room}}", NewOwner_Account: "{{user}}" })],
  },
  "Live.CallbackAfterUpdateRoomInfo": {
    description: "creates the room if needed, renames it",
    steps: [
      createRoom(),
      step("update_room_info", { RoomInfo: { RoomId: "{{room}}", RoomName: "renamed by roomhook trigger" } }),
    ],
  },
  "Live.CallbackAfterDestroyRoom": {
    description: "creates the room if needed, destroys it",
    steps: [createRoom(), step("destroy_room", { RoomId: "{{room}}" })],
  },
  "Live.CallbackAfterModifyAdmin": {
    description: "creates the room if needed, makes {{user}} an admin",
    steps: [
      createRoom(),
      step("modify_admin", { RoomId: "{{room}}", Admin_Account: ["{{user}}"], OpType: "add" }),
    ],
  },
  "Live.CallbackAfterSetMetadata": {
    description: "creates the room if needed, sets the metadata key topic",
    steps: [
      createRoom(),
      step("set_room_metadata", {
        RoomId: "{{room}}",
        Metadata: [{ Key: "topic", Value: "set by roomhook trigger" }],
      }),
    ],
  },
  "Live.CallbackAfterDelMetadata": {
    description: "creates the room if needed, sets then deletes the metadata key topic",
    steps: [
      createRoom(),
      step("set_room_metadata", { RoomId: "{{room}}", Metadata: [{ Key: "topic", Value: "to delete" }] }),
      step("del_room_metadata", { RoomId: "{{room}}", Keys: ["topic"] }),
    ],
  },
  "Live.CallbackAfterMemberStateChanged": {
    description: "creates the room if needed, adds the robot {{user}} (it enters)",
    steps: [createRoom(), step("add_robot", { RoomId: "{{room}}", RobotList_Account: ["{{user}}"] })],
  },
  "Mic.CallbackAfterSeatInfoChanged": {
    description: "creates a room with 8 seats (a new room id is needed for seats), locks seat 1",
    steps: [
      createRoom({ SeatTemplate: "AudioSalon", MaxSeatCount: 8 }),
      step("room_engine_http_mic/lock_seat", { RoomId: "{{room}}", Index: 1, ForbidTaken: true }),
    ],
  },
  "Group.CallbackAfterSendMsg": {
    description: "creates the room if needed, {{owner}} sends a text message",
    steps: [
      createRoom(),
      step("send_text_msg", {
        RoomId: "{{room}}",
        Sender_Account: "{{owner}}",
        TextContent: "hello from roomhook trigger",
      }),
    ],
  },
  "Group.CallbackBeforeSendMsg": {
    description: "creates the room if needed, {{owner}} sends a text message (asked first)",
    steps: [
      createRoom(),
      step("send_text_msg", {
        RoomId: "{{room}}",
        Sender_Account: "{{owner}}",
        TextContent: "hello from roomhook trigger",
      }),
    ],
  },
  "Live.CallbackBeforeSendGift": {
    description: "creates the room if needed and the default gift catalog, {{user}} sends {{owner}} a gift",
    steps: [
      createRoom(),
      { ...step("copy_default_gift_config", {}), tolerate: [102000, 100002] },
      step("send_gift", {
        RoomId: "{{room}}",
        GiftId: "universe",
        From_Account: "{{user}}",
        ReceiverList_Account: ["{{owner}}"],
      }),
    ],
  },
  "Live.CallbackAfterCreateBattle": {
    description: "creates {{room}} and {{room2}}, starts a battle of 60 s between them",
    steps: [
      createRoom(),
      {
        ...createRoom(),
        body: { RoomInfo: { RoomId: "{{room2}}", RoomType: "Live", Owner_Account: "{{user}}" } },
      },
      step("live_engine_http_pk/create_battle", {
        FromRoomId: "{{room}}",
        ToRoomIdList: ["{{room2}}"],
        Duration: 60_000,
      }),
    ],
  },
};
// A battle is created and started at once: the same fixture sends both.
callbackFixtures["Live.CallbackAfterStartBattle"] = {
  ...(callbackFixtures["Live.CallbackAfterCreateBattle"] as Fixture),
};
callbackFixtures["Live.CallbackAfterEndBattle"] = {
  description: "starts a battle of 1 s between {{room}} and {{room2}}: the server ends it (within 10 s)",
  steps: [
    ...(callbackFixtures["Live.CallbackAfterCreateBattle"] as Fixture).steps.slice(0, 2),
    step("live_engine_http_pk/create_battle", {
      FromRoomId: "{{room}}",
      ToRoomIdList: ["{{room2}}"],
      Duration: 1000,
    }),
  ],
};

/** Why a callback command has no fixture. */
export const untriggerable: Partial<Record<string, string>> = {
  "Live.CallbackAfterCreateRoomReachingThreshold":
    "sent when an app with a room quota (rooms.maxRooms in the config file) reaches 70% of it: set a small quota and create rooms",
  "Live.CallbackBeforeCallBackNotBlock":
    "a switch, not a callback: put it in CallbackCommandList and a before-callback without an answer lets the gift go",
  "Follow.CallbackAfterFollowAdd": "roomhook does not implement follows (Tencent Chat's relationship API)",
  "Follow.CallbackAfterFollowDelete": "roomhook does not implement follows (Tencent Chat's relationship API)",
};

/** Reads a fixture file; throws an Error that says what is wrong with it. */
export function readFixture(path: string): Fixture {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`fixture ${path}: ${(err as Error).message}`, { cause: err });
  }
  const f = value as Partial<Fixture> | null;
  if (typeof f !== "object" || f === null || !Array.isArray(f.steps) || f.steps.length === 0)
    throw new Error(
      `fixture ${path}: must be {"description": "…", "steps": [{"path": "…", "body": {…}}, …]}`,
    );
  (f.steps as unknown[] as Partial<FixtureStep>[]).forEach((s, i) => {
    if (typeof s.path !== "string" || !/^[a-z_]+\/[a-z_]+$/.test(s.path))
      throw new Error(`fixture ${path}: steps[${i}].path must be "<service>/<command>"`);
    const body = s.body as unknown;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new Error(`fixture ${path}: steps[${i}].body must be a JSON object`);
    if (
      s.tolerate !== undefined &&
      (!Array.isArray(s.tolerate) || !s.tolerate.every((c) => Number.isInteger(c)))
    )
      throw new Error(`fixture ${path}: steps[${i}].tolerate must be a list of ErrorCodes`);
  });
  return { description: typeof f.description === "string" ? f.description : path, steps: f.steps };
}

/** The fixture of a callback command, or an Error naming the commands there are. */
export function fixtureOf(command: string): Fixture {
  const f = callbackFixtures[command];
  if (f !== undefined) return f;
  const why = untriggerable[command];
  if (why !== undefined) throw new Error(`${command} cannot be triggered by a fixture: ${why}`);
  const known = liveCallbackCommands.filter((c) => callbackFixtures[c] !== undefined);
  throw new Error(
    `${isLiveCallbackCommand(command) ? "no fixture for" : "unknown callback command"} ${command}; known: ${known.join(", ")}`,
  );
}

/** Parses `Field=value` (dotted path for nested fields); the value is JSON when it parses as JSON. */
export function parseOverride(text: string): { path: string[]; value: unknown } | string {
  const eq = text.indexOf("=");
  if (eq <= 0) return `--override must be Field=value (a dotted path for nested fields), got ${text}`;
  const path = text.slice(0, eq).split(".");
  if (path.some((p) => p === "" || p === "__proto__" || p === "constructor" || p === "prototype"))
    return `--override: ${text.slice(0, eq)} is not a field path`;
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a plain string
  }
  return { path, value };
}

function fill(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === "string") return value.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

function applyOverride(body: Record<string, unknown>, o: { path: string[]; value: unknown }): void {
  let at: Record<string, unknown> = body;
  for (const key of o.path.slice(0, -1)) {
    const next = Object.hasOwn(at, key) ? at[key] : undefined;
    if (typeof next !== "object" || next === null || Array.isArray(next)) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[o.path.at(-1) as string] = o.value;
}

/**
 * Runs a fixture's steps in order against the server; each answer is passed to `onStep`. Stops at
 * the first answer that failed with a code the step does not tolerate, and returns false then.
 */
export async function runFixture(
  target: AdminTarget,
  fixture: Fixture,
  vars: Record<string, string>,
  overrides: { path: string[]; value: unknown }[],
  /** Each step's answer; `tolerated`: it failed with one of the step's tolerated ErrorCodes. */
  onStep: (path: string, body: unknown, env: Envelope, tolerated: boolean) => void,
): Promise<boolean> {
  for (const [i, s] of fixture.steps.entries()) {
    const body = fill(s.body, vars) as Record<string, unknown>;
    if (i === fixture.steps.length - 1) for (const o of overrides) applyOverride(body, o);
    const env = await restCall(target, s.path, body);
    const tolerated = env.ErrorCode !== 0 && (s.tolerate ?? []).includes(env.ErrorCode);
    onStep(s.path, body, env, tolerated);
    if (env.ErrorCode !== 0 && !tolerated) return false;
  }
  return true;
}
