import { test } from "node:test";
import assert from "node:assert/strict";
import { callbackSchemas } from "@roomhook/protocol";
import { schemaProblem } from "./schema-check.ts";

const message = {
  CallbackCommand: "Group.CallbackAfterSendMsg",
  GroupId: "r1",
  Type: "Live",
  From_Account: "alice",
  Operator_Account: "alice",
  Random: 1,
  MsgId: "m1",
  MsgBody: [
    { MsgType: "TIMTextElem", MsgContent: { Text: "hi" } },
    { MsgType: "TIMCustomElem", MsgContent: { Data: "d", Desc: "x" } },
  ],
  CloudCustomData: "",
  EventTime: 1_767_225_600_123,
  MsgSeq: 3,
  MsgTime: 1_767_225_600,
};
const check = (v: unknown) => schemaProblem(callbackSchemas["Group.CallbackAfterSendMsg"], v);

test("a union of literals (TypeBox's enum) is checked with the names of its values", () => {
  const admin = {
    CallbackCommand: "Live.CallbackAfterModifyAdmin",
    RoomId: "r",
    Admin_Account: ["a"],
    opType: "add",
    Operator_Account: "o",
    EventTime: 1,
  };
  const schema = callbackSchemas["Live.CallbackAfterModifyAdmin"];
  assert.equal(schemaProblem(schema, admin), undefined);
  assert.equal(
    schemaProblem(schema, { ...admin, opType: "remove" }),
    `$.opType: must be one of "add", "delete"`,
  );
});

test("a union of shapes: an element passes when one shape fits; the problem is its tagged shape's", () => {
  assert.equal(check(message), undefined);
  assert.equal(
    check({ ...message, MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Data: "no text" } }] }),
    "$.MsgBody[0].MsgContent.Text: is required",
  );
  assert.equal(
    check({ ...message, MsgBody: [{ MsgType: "TIMFaceElem", MsgContent: { Index: "1" } }] }),
    "$.MsgBody[0].MsgContent.Index: must be an integer",
  );
  // Any other of Tencent Chat's elements passes as it is: a message is never refused for an image.
  const image = {
    MsgType: "TIMImageElem",
    MsgContent: {
      UUID: "1853095_D61040894AC3DE44CDFFFB3EC7EB720F",
      ImageFormat: 1,
      ImageInfoArray: [{ Type: 1, Size: 1853095, Width: 2448, Height: 3264, URL: "https://x/1.jpg" }],
    },
  };
  assert.equal(check({ ...message, MsgBody: [image] }), undefined);
  assert.equal(
    check({ ...message, MsgBody: [{ MsgType: "TIMImageElem", MsgContent: "x" }] }),
    "$.MsgBody[0]: matches none of its 4 allowed shapes",
  );
});

test("the packets stay open to fields Tencent adds; a schema closed with additionalProperties false is applied", () => {
  assert.equal(check({ ...message, OnlineOnlyFlag: 0 }), undefined);
  const closed = {
    type: "object",
    properties: { a: { type: "string" } },
    required: ["a"],
    additionalProperties: false,
  };
  assert.equal(schemaProblem(closed, { a: "x" }), undefined);
  assert.equal(schemaProblem(closed, { a: "x", b: 1 }), "$.b: is not allowed");
});

test("a schema with a keyword the checker does not apply fails loudly, not open", () => {
  // What TypeBox emits for Type.String({ pattern }) and Type.Intersect.
  const withPattern = { type: "object", properties: { RoomId: { type: "string", pattern: "^[a-z]+$" } } };
  assert.throws(() => schemaProblem(withPattern, { RoomId: "ABC" }), /does not apply: \$\.RoomId: pattern/);
  const withAllOf = { allOf: [{ type: "object" }, { type: "object" }], unevaluatedProperties: false };
  assert.throws(() => schemaProblem(withAllOf, {}), /unevaluatedProperties/);
  // allOf and not are applied (TypeBox's Intersect of a string with Not).
  const notKnown = { allOf: [{ type: "string" }, { not: { anyOf: [{ const: "a" }, { const: "b" }] } }] };
  assert.equal(schemaProblem(notKnown, "c"), undefined);
  assert.equal(schemaProblem(notKnown, "a"), `$: must not be one of "a", "b"`);
  assert.equal(schemaProblem(notKnown, 1), "$: must be a string");
});
