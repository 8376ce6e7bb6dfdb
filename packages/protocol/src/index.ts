export { errorCatalog, isErrorCode, clientErrorCatalog, clientCodeFor } from "./errors.ts";
export type { ErrorCode, ClientErrorCode } from "./errors.ts";
export { okEnvelope, failEnvelope } from "./envelope.ts";
export type { RestEnvelope, RestSuccess, CallbackReply } from "./envelope.ts";
export { genUserSig, verifyUserSig } from "./usersig.ts";
export type { GenUserSigOptions, VerifyUserSigOptions, UserSigCheck, UserSigFailure } from "./usersig.ts";
export { callbackSign, checkCallbackSign, SIGN_TOLERANCE_SECONDS } from "./sign.ts";
export type { SignCheck } from "./sign.ts";
export {
  liveCallbackCommands,
  isLiveCallbackCommand,
  optPlatforms,
  callbackSchemas,
  callbackQueryParams,
  tencentParamIn,
  takeSeatModes,
  isTextElem,
} from "./callbacks.ts";
export type * from "./callbacks.ts";
export {
  wsRequestSchemas,
  wsClientFrameSchema,
  wsReplyDataSchemas,
  wsReplySchema,
  wsPushSchemas,
  wsPushSchema,
  wsServerFrameSchema,
  wsCloseCodes,
  wsCloseCodeSchema,
  wsFinalCloseCodes,
} from "./ws.ts";
export type * from "./ws.ts";
export { roomCallbacksQuerySchema, roomCallbacksAnswerSchema, deliveryStates } from "./catch-up.ts";
export type * from "./catch-up.ts";
export type * from "./rest.ts";
export {
  generateSigningSecret,
  webhookSignature,
  checkWebhookSignature,
  SIGNING_SECRET_PREFIX,
  WEBHOOK_TOLERANCE_SECONDS,
} from "./webhook-signature.ts";
export type { WebhookSignatureCheck } from "./webhook-signature.ts";
export {
  userIdProblem,
  roomIdProblem,
  isWellFormedText,
  clientPlatforms,
  isClientPlatform,
  USER_ID_MAX_BYTES,
  ROOM_ID_MAX_BYTES,
} from "./ids.ts";
export { parseJson, UnsafeInteger } from "./json.ts";
