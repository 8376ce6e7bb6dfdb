import { render } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { errorText, restCall, RestError } from "./api.js";
import { html } from "./html.js";
import { SignIn } from "./sign-in.js";
import { RoomPage, RoomsPage } from "./rooms.js";
import { CallbacksPage } from "./callbacks.js";
import { DeliveriesPage } from "./deliveries.js";
import { TailPage } from "./tail.js";

/**
 * @typedef {import("./api.js").Session} Session
 * @typedef {import("./api.js").Call} Call
 * @typedef {{ page: string, id: string, params: URLSearchParams }} Route
 */

const SESSION_KEY = "roomhook-console-session";
const EMPTY = { sdkAppId: "", identifier: "", userSig: "" };

/**
 * The sign-in link (`#sdkappid=…&identifier=…&usersig=…`, printed by `npm start`): read, then removed
 * from the address bar and the history at once, before anything else runs, so that the UserSig is
 * neither bookmarked, shared with the address, nor sent anywhere but in the REST calls.
 * @returns {Session | undefined}
 */
function takeLinkFragment() {
  const fragment = location.hash.slice(1);
  if (!/(^|&)usersig=/.test(fragment)) return undefined;
  const p = new URLSearchParams(fragment);
  history.replaceState(null, "", `${location.pathname}${location.search}#/rooms`);
  return {
    sdkAppId: p.get("sdkappid") ?? "",
    identifier: p.get("identifier") ?? "",
    userSig: p.get("usersig") ?? "",
  };
}

/** @returns {Session | undefined} */
function storedSession() {
  try {
    /** @type {unknown} */
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
    const v = /** @type {Partial<Session> | null} */ (stored);
    if (typeof v?.sdkAppId === "string" && typeof v.identifier === "string" && typeof v.userSig === "string")
      return { sdkAppId: v.sdkAppId, identifier: v.identifier, userSig: v.userSig };
  } catch {
    // a damaged entry: sign in again
  }
  return undefined;
}

/** `#/room/<id>?a=b` → { page: "room", id, params }. */
function parseRoute(/** @type {string} */ hash) {
  const s = hash.replace(/^#\/?/, "");
  const q = s.indexOf("?");
  const path = q < 0 ? s : s.slice(0, q);
  const slash = path.indexOf("/");
  let id = slash < 0 ? "" : path.slice(slash + 1);
  try {
    id = decodeURIComponent(id);
  } catch {
    // keep it as written
  }
  return {
    page: slash < 0 ? path : path.slice(0, slash),
    id,
    params: new URLSearchParams(q < 0 ? "" : s.slice(q + 1)),
  };
}

const PAGES = [
  { page: "rooms", title: "Rooms" },
  { page: "callbacks", title: "Callbacks" },
  { page: "deliveries", title: "Deliveries" },
  { page: "tail", title: "Live tail" },
];

/** @param {{ link: Session | undefined }} props */
function App({ link }) {
  const [session, setSession] = useState(() => (link === undefined ? storedSession() : undefined));
  const [candidate, setCandidate] = useState(link ?? EMPTY);
  const [checking, setChecking] = useState(link !== undefined);
  const [refusal, setRefusal] = useState("");
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  const main = useRef(/** @type {HTMLElement | null} */ (null));

  const sessionNow = useRef(session);
  sessionNow.current = session;
  const signOut = useCallback((/** @type {string} */ why) => {
    sessionStorage.removeItem(SESSION_KEY);
    const s = sessionNow.current;
    if (s !== undefined) setCandidate({ ...s, userSig: "" });
    setSession(undefined);
    setRefusal(why);
  }, []);

  /** Checks a sign-in with a harmless call; a refusal shows Tencent's code and message. */
  const signIn = useCallback(async (/** @type {Session} */ s) => {
    setChecking(true);
    setCandidate(s);
    try {
      await restCall(s, "roomhook_room", "search_rooms", { Limit: 1 });
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
      setRefusal("");
      setSession(s);
      if (!location.hash.startsWith("#/")) location.hash = "#/rooms";
    } catch (err) {
      setRefusal(`Sign-in refused: ${errorText(err)}`);
      setCandidate({ ...s, userSig: "" });
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    if (link !== undefined) void signIn(link);
  }, [link, signIn]);

  useEffect(() => {
    const onHash = () => {
      // A sign-in link opened in a tab that shows the console already: no reload, only this event.
      const again = takeLinkFragment();
      if (again !== undefined) void signIn(again);
      setRoute(parseRoute(location.hash));
    };
    addEventListener("hashchange", onHash);
    return () => {
      removeEventListener("hashchange", onHash);
    };
  }, [signIn]);

  /** @type {Call | undefined} */
  const call = useMemo(() => {
    if (session === undefined) return undefined;
    return async (service, command, body) => {
      try {
        return await restCall(session, service, command, body);
      } catch (err) {
        // The UserSig expired or its key changed: back to the sign-in, saying why.
        if (err instanceof RestError && err.refusesSession)
          signOut(`The server refused this session: ${errorText(err)}`);
        throw err;
      }
    };
  }, [session, signOut]);

  const pageKey = `${route.page}/${route.id}`;
  const shownPage = useRef("");
  useEffect(() => {
    const known = PAGES.find((p) => p.page === route.page);
    document.title = `${route.page === "room" ? `Room ${route.id}` : (known?.title ?? "Rooms")} · roomhook console`;
    // A page opened from another moves the focus to its content (as a new document would be read from
    // the top); the first page leaves it at the top, where Tab reaches "Skip to content" and the nav.
    // A filter changed on the same page keeps it where it is.
    if (shownPage.current !== "" && session !== undefined) main.current?.focus({ preventScroll: true });
    if (session !== undefined) shownPage.current = pageKey;
  }, [pageKey, session]);

  if (session === undefined || call === undefined)
    return html`<${SignIn}
      key=${`${candidate.sdkAppId}/${candidate.identifier}/${refusal}`}
      initial=${candidate}
      refusal=${refusal}
      busy=${checking}
      onSubmit=${(/** @type {Session} */ s) => void signIn(s)}
    />`;

  let page;
  switch (route.page) {
    case "room":
      page = html`<${RoomPage} key=${route.id} call=${call} roomId=${route.id} />`;
      break;
    case "callbacks":
      page = html`<${CallbacksPage} call=${call} />`;
      break;
    case "deliveries":
      page = html`<${DeliveriesPage} key=${route.params.toString()} call=${call} params=${route.params} />`;
      break;
    case "tail":
      page = html`<${TailPage} call=${call} />`;
      break;
    default:
      page = html`<${RoomsPage} key=${route.params.toString()} call=${call} params=${route.params} />`;
  }
  const here = route.page === "room" ? "rooms" : route.page;
  return html`
    <button
      class="skip-link"
      onClick=${() => {
        main.current?.focus();
      }}
    >
      Skip to content
    </button>
    <header class="container">
      <nav aria-label="Console">
        <ul>
          <li><strong>roomhook</strong></li>
        </ul>
        <ul>
          ${PAGES.map(
            (p) =>
              html`<li>
                <a href=${`#/${p.page}`} aria-current=${p.page === here ? "page" : undefined}>${p.title}</a>
              </li>`,
          )}
        </ul>
        <ul>
          <li><small class="who">${session.identifier} · ${session.sdkAppId}</small></li>
          <li>
            <button
              class="secondary outline"
              onClick=${() => {
                signOut("");
              }}
            >
              Sign out
            </button>
          </li>
        </ul>
      </nav>
    </header>
    <main class="container" id="main" tabindex="-1" ref=${main}>${page}</main>
  `;
}

const root = document.getElementById("app");
if (root !== null) render(html`<${App} link=${takeLinkFragment()} />`, root);
