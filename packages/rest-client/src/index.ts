export { RestClient } from "./rest-client.ts";
export { RoomhookExtensions } from "./roomhook-extensions.ts";
export type { RestClientOptions } from "./transport.ts";
export { TencentApiError, RestTransportError } from "./errors.ts";
export type { RestTransportFailure } from "./errors.ts";
export { tencentEndpoints } from "./endpoints.ts";
