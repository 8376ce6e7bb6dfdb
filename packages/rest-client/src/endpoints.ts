/**
 * Tencent's REST hosts, one per data center: an app's calls go to the one where its SDKAppID lives
 * (Tencent: RESTful API overview, 63398, and each Live REST page). Chat's pages list more (Seoul
 * `adminapikr.im.qcloud.com`, Tokyo `adminapijpn.im.qcloud.com`, Frankfurt
 * `adminapiger.im.qcloud.com`, Mumbai `adminapiind.im.qcloud.com`); whether Live is served there is
 * not documented, so they are not listed here (give them as `baseUrl` when they apply).
 */
export const tencentEndpoints = {
  /** China (and the default). */
  china: "https://console.tim.qq.com",
  /** Singapore. */
  singapore: "https://adminapisgp.im.qcloud.com",
  /** Silicon Valley (United States). */
  usa: "https://adminapiusa.im.qcloud.com",
  /** Jakarta. */
  jakarta: "https://adminapiidn.im.qcloud.com",
} as const;
