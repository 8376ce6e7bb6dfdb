export { createReceiver } from "./verify.ts";
export type { Receiver, ReceiverOptions, CallbackInput, VerifiedCallback, Headers } from "./verify.ts";
export { parseCallback } from "./parse.ts";
export type { ParsedCallback, PacketByCommand } from "./parse.ts";
export { ReceiverError, refusalStatus } from "./receiver-error.ts";
export type { ReceiverErrorReason } from "./receiver-error.ts";
export {
  okReply,
  failReply,
  OK_REPLY,
  allowReply,
  refuseGiftReply,
  refuseMessageReply,
  dropMessageReply,
  rewriteMessageReply,
} from "./reply.ts";
export { replyOf } from "./reply.ts";
export type { CallbackHandler, BeforeSendMsgReply } from "./reply.ts";
export { OwnerMirror } from "./owner-mirror.ts";
export type {
  OwnerChange,
  RoomMirrorState,
  ApplyResult,
  CatchUp,
  OwnerMirrorOptions,
} from "./owner-mirror.ts";
export { nodeHandler, readRawBody } from "./adapters/node-http.ts";
export { expressHandler } from "./adapters/express.ts";
export { fastifyPlugin } from "./adapters/fastify.ts";
export { honoHandler } from "./adapters/hono.ts";
