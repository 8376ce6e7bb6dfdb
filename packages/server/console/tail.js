import { useRef, useState } from "preact/hooks";
import { errorText } from "./api.js";
import { attemptText } from "./deliveries.js";
import { formatTime, html, roomHref } from "./html.js";
import { usePoll } from "./poll.js";
import { summary } from "./rooms.js";

/**
 * @typedef {import("./api.js").Call} Call
 * @typedef {import("./rooms.js").RoomEvent & { Id: number, RoomId: string }} FeedEvent
 * @typedef {import("./deliveries.js").Attempt & { DeliveryId: number, EventId: string, RoomId: string,
 *   Sequence: number, CallbackCommand: string, State: string }} FeedAttempt
 */

/** The tail asks for what is new once a second. */
const TAIL_POLL_MS = 1000;
/** Rows kept on screen, per list. */
const KEEP = 200;
/**
 * An attempt is recorded when it ends, with the time it started: each poll asks again from a minute
 * before the newest attempt seen (a callback times out well within that) and drops those it has.
 */
const ATTEMPT_OVERLAP_MS = 60_000;
/** Pages of events read in one poll at most: a burst beyond that is caught up over the next polls. */
const EVENT_PAGES = 5;

const attemptKey = (/** @type {FeedAttempt} */ a) => `${a.DeliveryId}/${a.Attempt}`;

/**
 * Events and delivery attempts of every room as they happen, newest first: roomhook_room/get_event_feed
 * after the last event id seen, and roomhook_delivery/get_attempt_feed from a little before the newest
 * attempt seen.
 * @param {{ call: Call }} props
 */
export function TailPage({ call }) {
  const [events, setEvents] = useState(/** @type {FeedEvent[]} */ ([]));
  const [attempts, setAttempts] = useState(/** @type {FeedAttempt[]} */ ([]));
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState("");
  const at = useRef({
    /** @type {number | undefined} */ afterId: undefined,
    /** @type {FeedAttempt[]} */ attempts: [],
    paused: false,
  });
  at.current.paused = paused;

  const poll = async () => {
    const s = at.current;
    if (s.paused) return;
    try {
      for (let page = 0; page < EVENT_PAGES; page++) {
        const r = /** @type {{ EventList: FeedEvent[], LastId: number, HasMore: boolean }} */ (
          await call(
            "roomhook_room",
            "get_event_feed",
            s.afterId === undefined ? { Limit: 20 } : { AfterId: s.afterId, Limit: 100 },
          )
        );
        s.afterId = r.LastId;
        if (r.EventList.length > 0)
          setEvents((prev) => [...r.EventList.slice().reverse(), ...prev].slice(0, KEEP));
        if (!r.HasMore) break;
      }
      const newest = s.attempts[0];
      const r = /** @type {{ AttemptList: FeedAttempt[] }} */ (
        await call(
          "roomhook_delivery",
          "get_attempt_feed",
          newest === undefined
            ? { Limit: 20 }
            : { StartTime: Math.max(0, newest.Time - ATTEMPT_OVERLAP_MS), Limit: 100 },
        )
      );
      const seen = new Set(s.attempts.map(attemptKey));
      const fresh = r.AttemptList.filter((a) => !seen.has(attemptKey(a)));
      if (fresh.length > 0) {
        s.attempts = [...fresh, ...s.attempts]
          .sort((a, b) => b.Time - a.Time || b.DeliveryId - a.DeliveryId || b.Attempt - a.Attempt)
          .slice(0, KEEP);
        setAttempts(s.attempts);
      }
      setError("");
    } catch (err) {
      setError(errorText(err));
    }
  };
  usePoll(poll, TAIL_POLL_MS);

  return html`<h1>Live tail</h1>
    <p>
      Events of every room and every delivery attempt as they happen, newest first, read once a second.
      <button
        type="button"
        class="secondary outline pause"
        aria-pressed=${paused ? "true" : "false"}
        onClick=${() => {
          setPaused(!paused);
        }}
      >
        ${paused ? "Resume" : "Pause"}
      </button>
    </p>
    ${error === "" ? null : html`<p role="alert" class="refusal">${error}</p>`}
    <div class="grid tail">
      <section aria-labelledby="tail-events">
        <h2 id="tail-events">Events</h2>
        ${
          events.length === 0
            ? html`<p>No event yet.</p>`
            : html`<ul class="feed">
              ${events.map(
                (e) =>
                  html`<li key=${e.Id}>
                    <time>${formatTime(e.Time)}</time>
                    <a href=${roomHref(e.RoomId)}>${e.RoomId}</a> <strong>${summary(e)}</strong>
                    <small>by ${e.Operator_Account} (${e.OptPlatform}) · seq ${e.Sequence}</small>
                  </li>`,
              )}
            </ul>`
        }
      </section>
      <section aria-labelledby="tail-attempts">
        <h2 id="tail-attempts">Delivery attempts</h2>
        ${
          attempts.length === 0
            ? html`<p>No attempt yet.</p>`
            : html`<ul class="feed">
              ${attempts.map(
                (a) =>
                  html`<li key=${attemptKey(a)} class=${a.HttpStatus === 200 && a.Error === undefined ? "attempt-ok" : "attempt-failed"}>
                    <time>${formatTime(a.Time)}</time>
                    <a href=${roomHref(a.RoomId)}>${a.RoomId}</a> <code>${a.CallbackCommand}</code>
                    <span>seq ${a.Sequence}, attempt ${a.Attempt}: ${attemptText(a)}</span>
                    <small>delivery <a href=${`#/deliveries?room=${encodeURIComponent(a.RoomId)}`}>${a.DeliveryId}</a></small>
                  </li>`,
              )}
            </ul>`
        }
      </section>
    </div>`;
}
