import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "./api.js";
import { formatSeconds, formatTime, html, inputValue, roomHref } from "./html.js";
import { usePoll } from "./poll.js";

/**
 * @typedef {import("./api.js").Call} Call
 * @typedef {{ RoomId: string, RoomName: string, Owner_Account: string, RoomType: string,
 *   IsPublicVisible: boolean, CreateTime: number, ViewCount: number }} RoomEntry
 * @typedef {{ Sequence: number, EventId: string, CallbackCommand: string, Time: number,
 *   Operator_Account: string, OptPlatform: string, ClientIP: string, Packet: Record<string, unknown> }} RoomEvent
 * @typedef {{ room: RoomEntry & Record<string, unknown>, memberCount: number, members: string[],
 *   admins: string[], bans: { Member_Account: string, BannedUntil: number }[],
 *   metadata: { Key: string, Value: string }[] }} RoomDetails
 */

export const OWNER_CHANGE = "Live.CallbackAfterChangeOwner";
/** How often a room's page asks for new events. */
const ROOM_POLL_MS = 1000;

/** @param {{ call: Call, params: URLSearchParams }} props */
export function RoomsPage({ call, params }) {
  const text = params.get("q") ?? "";
  const [draft, setDraft] = useState(text);
  const [rooms, setRooms] = useState(/** @type {RoomEntry[] | undefined} */ (undefined));
  const [next, setNext] = useState("");
  const [error, setError] = useState("");

  const load = async (/** @type {string} */ after) => {
    try {
      const r = /** @type {{ RoomList: RoomEntry[], Next: string }} */ (
        await call("roomhook_room", "search_rooms", { Text: text, Limit: 50, Next: after })
      );
      setRooms((prev) => (after === "" ? r.RoomList : [...(prev ?? []), ...r.RoomList]));
      setNext(r.Next);
      setError("");
    } catch (err) {
      setError(errorText(err));
    }
  };
  // Once per search: the page is keyed by its query.
  useEffect(() => {
    void load("");
  }, []);

  return html`<h1>Rooms</h1>
    <form
      role="search"
      onSubmit=${(/** @type {Event} */ e) => {
        e.preventDefault();
        const hash = draft === "" ? "#/rooms" : `#/rooms?q=${encodeURIComponent(draft)}`;
        if (draft === text) void load("");
        else location.hash = hash;
      }}
    >
      <input
        type="search"
        name="q"
        aria-label="Room id contains"
        placeholder="Room id contains…"
        value=${draft}
        onInput=${(/** @type {Event} */ e) => {
          setDraft(inputValue(e));
        }}
      />
      <button type="submit">Search</button>
    </form>
    ${error === "" ? null : html`<p role="alert" class="refusal">${error}</p>`}
    ${
      rooms === undefined
        ? html`<p aria-busy="true">Loading rooms…</p>`
        : rooms.length === 0
          ? html`<p>No room${text === "" ? "" : html` whose id contains <code>${text}</code>`}.</p>`
          : html`<div class="overflow-auto">
            <table class="striped">
              <caption>
                ${text === "" ? "All rooms" : html`Rooms whose id contains <code>${text}</code>`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Room</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Type</th>
                  <th scope="col">Public</th>
                  <th scope="col">Created</th>
                  <th scope="col">Views</th>
                </tr>
              </thead>
              <tbody>
                ${rooms.map(
                  (r) =>
                    html`<tr key=${r.RoomId}>
                      <td><a href=${roomHref(r.RoomId)}>${r.RoomId}</a></td>
                      <td>${r.Owner_Account}</td>
                      <td>${r.RoomType}</td>
                      <td>${r.IsPublicVisible ? "yes" : "no"}</td>
                      <td><time>${formatSeconds(r.CreateTime)}</time></td>
                      <td>${r.ViewCount}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${
      next === ""
        ? null
        : html`<button
          class="secondary"
          onClick=${() => {
            void load(next);
          }}
        >
          More rooms
        </button>`
    }`;
}

/**
 * A room's events in sequence order, kept up to date: the first page, then pages as asked (or all of
 * them with `all`), then, once at the end, whatever is appended, polled every second.
 * @param {Call} call
 * @param {string} roomId
 * @param {{ command?: string, all?: boolean }} opts
 */
function useRoomEvents(call, roomId, opts) {
  const [events, setEvents] = useState(/** @type {RoomEvent[]} */ ([]));
  const [hasMore, setHasMore] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState("");
  const at = useRef({ last: 0, hasMore: false, busy: false });

  const fetchPage = async () => {
    const s = at.current;
    if (s.busy) return;
    s.busy = true;
    try {
      do {
        const r = /** @type {{ EventList: RoomEvent[], HasMore: boolean }} */ (
          await call("roomhook_room", "get_room_events", {
            RoomId: roomId,
            AfterSequence: s.last,
            Limit: 100,
            ...(opts.command === undefined ? {} : { CallbackCommand: opts.command }),
          })
        );
        const last = r.EventList[r.EventList.length - 1];
        if (last !== undefined) {
          s.last = last.Sequence;
          setEvents((prev) => [...prev, ...r.EventList]);
        }
        s.hasMore = r.HasMore;
      } while (opts.all === true && s.hasMore);
      setHasMore(s.hasMore);
      setLoaded(true);
      setError("");
    } catch (err) {
      setError(errorText(err));
    } finally {
      s.busy = false;
    }
  };
  // While pages remain, new events wait for "More events": the history stays in sequence order.
  usePoll(() => (at.current.hasMore ? undefined : fetchPage()), ROOM_POLL_MS);
  return { events, hasMore, loaded, error, more: fetchPage };
}

/** An owner change's accounts, from its packet (Tencent's Live.CallbackAfterChangeOwner). */
function ownerChange(/** @type {RoomEvent} */ e) {
  const text = (/** @type {unknown} */ v) => (typeof v === "string" ? v : "");
  return { from: text(e.Packet.OriginalOwner_Account), to: text(e.Packet.CurrentOwner_Account) };
}

/** @param {{ call: Call, roomId: string }} props */
export function RoomPage({ call, roomId }) {
  const owners = useRoomEvents(call, roomId, { command: OWNER_CHANGE, all: true });
  const history = useRoomEvents(call, roomId, {});
  const [details, setDetails] = useState(/** @type {RoomDetails | undefined} */ (undefined));
  const [gone, setGone] = useState("");

  const loadDetails = async () => {
    const body = { RoomId: roomId };
    try {
      const [info, members, admins, bans, metadata] = await Promise.all([
        call("live_engine_http_srv", "get_room_info", body).then(
          (r) => /** @type {{ RoomInfo: RoomDetails["room"] }} */ (r),
        ),
        call("live_engine_http_srv", "get_member_list", body).then(
          (r) => /** @type {{ MemberCount: number, MemberList: { Member_Account: string }[] }} */ (r),
        ),
        call("live_engine_http_srv", "get_admin_list", body).then(
          (r) => /** @type {{ Admin_Account: string[] }} */ (r),
        ),
        call("live_engine_http_srv", "get_banned_member_list", body).then(
          (r) => /** @type {{ BannedAccountList: RoomDetails["bans"] }} */ (r),
        ),
        call("live_engine_http_srv", "get_room_metadata", body).then(
          (r) => /** @type {{ Metadata: RoomDetails["metadata"] }} */ (r),
        ),
      ]);
      setDetails({
        room: info.RoomInfo,
        memberCount: members.MemberCount,
        members: members.MemberList.map((m) => m.Member_Account),
        admins: admins.Admin_Account,
        bans: bans.BannedAccountList,
        metadata: metadata.Metadata,
      });
      setGone("");
    } catch (err) {
      setDetails(undefined);
      setGone(errorText(err));
    }
  };
  // The details follow the history: each new event (an owner change, a member in or out) reloads them.
  useEffect(() => {
    void loadDetails();
  }, [owners.events.length, history.events.length]);

  const owner = details?.room.Owner_Account;
  return html`<h1>Room <code class="id">${roomId}</code></h1>
    <p>
      <a href=${`#/deliveries?room=${encodeURIComponent(roomId)}`}>Deliveries of this room</a>
    </p>
    ${gone === "" ? null : html`<p role="status" class="notice">The room cannot be read now: ${gone}</p>`}
    <section aria-labelledby="owner-heading">
      <h2 id="owner-heading">Owner</h2>
      <p>Current owner: <strong class="owner">${owner ?? "—"}</strong></p>
      <${OwnerHistory} owners=${owners} />
    </section>
    ${details === undefined ? null : html`<${RoomState} details=${details} />`}
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <${History} history=${history} />
    </section>`;
}

/** @param {{ owners: ReturnType<typeof useRoomEvents> }} props */
function OwnerHistory({ owners }) {
  if (owners.error !== "") return html`<p role="alert" class="refusal">${owners.error}</p>`;
  if (!owners.loaded) return html`<p aria-busy="true">Loading the owner history…</p>`;
  if (owners.events.length === 0) return html`<p>No owner change yet.</p>`;
  return html`<div class="overflow-auto">
    <table class="owner-history">
      <caption>
        Owner changes, oldest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col">By</th>
          <th scope="col">Platform</th>
          <th scope="col">Client IP</th>
          <th scope="col">Sequence</th>
        </tr>
      </thead>
      <tbody>
        ${owners.events.map((e) => {
          const c = ownerChange(e);
          return html`<tr key=${e.Sequence}>
            <td><time>${formatTime(e.Time)}</time></td>
            <td>${c.from}</td>
            <td>${c.to}</td>
            <td>${e.Operator_Account}</td>
            <td>${e.OptPlatform}</td>
            <td>${e.ClientIP}</td>
            <td>${e.Sequence}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

/** `Live room, created …, public, 3 views`. */
function describeRoom(/** @type {RoomEntry} */ r) {
  const created = formatSeconds(r.CreateTime);
  return `${r.RoomType} room, created ${created}, ${r.IsPublicVisible ? "public" : "not public"}, ${r.ViewCount} views`;
}

/** @param {{ details: RoomDetails }} props */
function RoomState({ details }) {
  const r = details.room;
  /** @param {string} title @param {unknown} body */
  const card = (title, body) => html`<article>
    <h3>${title}</h3>
    ${body}
  </article>`;
  const list = (/** @type {string[]} */ items, /** @type {string} */ none) =>
    items.length === 0
      ? html`<p>${none}</p>`
      : html`<ul>
          ${items.map((m) => html`<li key=${m}>${m}</li>`)}
        </ul>`;
  return html`<section aria-labelledby="state-heading">
    <h2 id="state-heading">Now</h2>
    <p>
      ${r.RoomName === "" ? null : html`<strong class="id">${r.RoomName}</strong> · `}${describeRoom(r)}
    </p>
    <div class="grid cards">
      ${card(`Members (${details.memberCount})`, list(details.members, "Nobody is in the room."))}
      ${card(`Admins (${details.admins.length})`, list(details.admins, "No admin."))}
      ${card(
        `Bans (${details.bans.length})`,
        details.bans.length === 0
          ? html`<p>No ban.</p>`
          : html`<ul>
              ${details.bans.map(
                (b) =>
                  html`<li key=${b.Member_Account}>${b.Member_Account} until ${formatSeconds(b.BannedUntil)}</li>`,
              )}
            </ul>`,
      )}
      ${card(
        `Metadata (${details.metadata.length})`,
        details.metadata.length === 0
          ? html`<p>No metadata.</p>`
          : html`<dl>
              ${details.metadata.map((m) => html`<dt key=${`k${m.Key}`}>${m.Key}</dt><dd key=${`v${m.Key}`}>${m.Value}</dd>`)}
            </dl>`,
      )}
    </div>
  </section>`;
}

/** What an event did, in a few words (the packet is shown whole beside it). */
export function summary(/** @type {RoomEvent} */ e) {
  if (e.CallbackCommand === OWNER_CHANGE) {
    const c = ownerChange(e);
    return `owner ${c.from} → ${c.to}`;
  }
  return e.CallbackCommand.replace(/^[A-Za-z]+\.Callback(After)?/, "");
}

/** @param {{ history: ReturnType<typeof useRoomEvents> }} props */
function History({ history }) {
  if (history.error !== "") return html`<p role="alert" class="refusal">${history.error}</p>`;
  if (!history.loaded) return html`<p aria-busy="true">Loading the history…</p>`;
  if (history.events.length === 0) return html`<p>No event in this room.</p>`;
  return html`<div class="overflow-auto">
      <table class="history">
        <caption>
          Every event of the room in sequence order, whether called back or not
        </caption>
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">By</th>
            <th scope="col">Platform</th>
            <th scope="col">Packet</th>
          </tr>
        </thead>
        <tbody>
          ${history.events.map(
            (e) =>
              html`<tr key=${e.Sequence} class=${e.CallbackCommand === OWNER_CHANGE ? "owner-change" : undefined}>
                <td>${e.Sequence}</td>
                <td><time>${formatTime(e.Time)}</time></td>
                <td><strong>${summary(e)}</strong><br /><small><code>${e.CallbackCommand}</code></small></td>
                <td>${e.Operator_Account}</td>
                <td>${e.OptPlatform}</td>
                <td>
                  <details>
                    <summary>packet</summary>
                    <pre><code>${JSON.stringify(e.Packet, null, 2)}</code></pre>
                  </details>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${
      history.hasMore
        ? html`<button
          class="secondary"
          onClick=${() => {
            void history.more();
          }}
        >
          More events
        </button>`
        : null
    }`;
}
