import { useRef, useState } from "preact/hooks";
import { errorText, useCommands } from "./api.js";
import { formatTime, html, inputValue, roomHref } from "./html.js";
import { usePoll } from "./poll.js";

/**
 * @typedef {import("./api.js").Call} Call
 * @typedef {{ Attempt: number, Time: number, DurationMs: number, HttpStatus?: number, Error?: string,
 *   Reply?: string }} Attempt
 * @typedef {{ DeliveryId: number, EventId: string, RoomId: string, Sequence: number, CallbackCommand: string,
 *   State: "pending" | "delivered" | "dead", Attempts: number, CreateTime: number, NextAttemptTime?: number,
 *   DoneTime?: number, LastError?: string, AttemptList: Attempt[] }} Delivery
 */

const STATES = ["pending", "delivered", "dead"];
/** The delivery log is read again this often, so that a state changes on screen as it changes. */
const DELIVERY_POLL_MS = 2000;
const PAGE = 20;

/** One attempt in words: `HTTP 500 in 12 ms: the error`. */
export function attemptText(/** @type {Attempt} */ a) {
  const status = a.HttpStatus === undefined ? "no answer" : `HTTP ${a.HttpStatus}`;
  return `${status} in ${a.DurationMs} ms${a.Error === undefined ? "" : `: ${a.Error}`}`;
}

/** @param {{ call: Call, params: URLSearchParams }} props */
export function DeliveriesPage({ call, params }) {
  const filter = {
    state: params.get("state") ?? "",
    room: params.get("room") ?? "",
    command: params.get("command") ?? "",
  };
  const commands = useCommands();
  const [draft, setDraft] = useState(filter);
  const [list, setList] = useState(/** @type {Delivery[] | undefined} */ (undefined));
  const [next, setNext] = useState("");
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const shown = useRef(PAGE);

  const query = () => ({
    ...(filter.state === "" ? {} : { State: filter.state }),
    ...(filter.room === "" ? {} : { RoomId: filter.room }),
    ...(filter.command === "" ? {} : { CallbackCommand: filter.command }),
  });
  /** The newest deliveries, as many as are shown (the log changes: states move, new ones come first). */
  const refresh = async () => {
    try {
      const r = /** @type {{ DeliveryList: Delivery[], Next: string }} */ (
        await call("roomhook_delivery", "get_delivery_list", {
          ...query(),
          Limit: Math.min(100, shown.current),
        })
      );
      setList(r.DeliveryList);
      setNext(r.Next);
      setError("");
    } catch (err) {
      setError(errorText(err));
    }
  };
  usePoll(refresh, DELIVERY_POLL_MS);

  const more = async () => {
    try {
      const r = /** @type {{ DeliveryList: Delivery[], Next: string }} */ (
        await call("roomhook_delivery", "get_delivery_list", { ...query(), Limit: PAGE, Next: next })
      );
      setList((prev) => {
        const all = [...(prev ?? []), ...r.DeliveryList];
        shown.current = all.length;
        return all;
      });
      setNext(r.Next);
    } catch (err) {
      setError(errorText(err));
    }
  };

  /** @param {() => Promise<string>} action */
  const act = async (action) => {
    try {
      setNotice(await action());
      setError("");
    } catch (err) {
      setNotice("");
      setError(errorText(err));
    }
    await refresh();
  };
  const redeliver = (/** @type {number} */ id) =>
    act(async () => {
      await call("roomhook_delivery", "redeliver", { DeliveryId: id });
      return `Delivery ${id} is queued to be sent again.`;
    });
  const redeliverDead = () =>
    act(async () => {
      const r = /** @type {{ Count: number }} */ (
        await call("roomhook_delivery", "redeliver_dead", { StartTime: 0, EndTime: Number.MAX_SAFE_INTEGER })
      );
      return r.Count === 0
        ? "No dead delivery to send again."
        : `${r.Count} dead ${r.Count === 1 ? "delivery is" : "deliveries are"} queued to be sent again.`;
    });

  const set = (/** @type {"state" | "room" | "command"} */ k) => (/** @type {Event} */ e) => {
    setDraft({ ...draft, [k]: inputValue(e) });
  };
  return html`<h1>Deliveries</h1>
    <p>
      Every after-callback written to the outbox, newest first, with each attempt. A dead delivery (its retries
      ran out) can be sent again, one by one or all at once.
    </p>
    <form
      class="filters"
      aria-label="Filter deliveries"
      onSubmit=${(/** @type {Event} */ e) => {
        e.preventDefault();
        const p = new URLSearchParams();
        if (draft.state !== "") p.set("state", draft.state);
        if (draft.room !== "") p.set("room", draft.room);
        if (draft.command !== "") p.set("command", draft.command);
        const hash = `#/deliveries${p.size === 0 ? "" : `?${p.toString()}`}`;
        if (hash === location.hash || (hash === "#/deliveries" && location.hash === "")) void refresh();
        else location.hash = hash;
      }}
    >
      <div class="grid">
        <label>
          Status
          <select name="state" value=${draft.state} onChange=${set("state")}>
            <option value="">any</option>
            ${STATES.map((s) => html`<option value=${s}>${s}</option>`)}
          </select>
        </label>
        <label>
          Room id
          <input name="room" value=${draft.room} onInput=${set("room")} autocomplete="off" />
        </label>
        <label>
          Callback command
          <select name="command" value=${draft.command} onChange=${set("command")}>
            <option value="">any</option>
            ${(commands.includes(draft.command) || draft.command === ""
              ? commands
              : [draft.command, ...commands]
            ).map((c) => html`<option value=${c}>${c}</option>`)}
          </select>
        </label>
      </div>
      <div class="actions">
        <button type="submit">Filter</button>
        <button
          type="button"
          class="secondary"
          onClick=${() => {
            void redeliverDead();
          }}
        >
          Redeliver all dead
        </button>
      </div>
    </form>
    ${error === "" ? null : html`<p role="alert" class="refusal">${error}</p>`}
    <p role="status" class="notice">${notice}</p>
    ${
      list === undefined
        ? html`<p aria-busy="true">Loading deliveries…</p>`
        : list.length === 0
          ? html`<p>No delivery${filter.state === "" && filter.room === "" && filter.command === "" ? " yet" : " matches"}.</p>`
          : html`<div class="overflow-auto">
            <table class="deliveries">
              <thead>
                <tr>
                  <th scope="col">Id</th>
                  <th scope="col">Room</th>
                  <th scope="col">Command</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Created</th>
                  <th scope="col"><span class="visually-hidden">Action</span></th>
                </tr>
              </thead>
              <tbody>
                ${list.map((d) => html`<${DeliveryRow} key=${d.DeliveryId} d=${d} onRedeliver=${redeliver} />`)}
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
            void more();
          }}
        >
          More deliveries
        </button>`
    }`;
}

/** @param {{ d: Delivery, onRedeliver: (id: number) => Promise<void> }} props */
function DeliveryRow({ d, onRedeliver }) {
  return html`<tr data-delivery=${d.DeliveryId}>
    <td>${d.DeliveryId}</td>
    <td><a href=${roomHref(d.RoomId)}>${d.RoomId}</a><br /><small>seq ${d.Sequence}</small></td>
    <td><code>${d.CallbackCommand}</code></td>
    <td>
      <span class=${`state state-${d.State}`}>${d.State}</span>
      ${
        d.State === "pending" && d.NextAttemptTime !== undefined
          ? html`<br /><small>next <time>${formatTime(d.NextAttemptTime)}</time></small>`
          : null
      }
    </td>
    <td>
      ${
        d.AttemptList.length === 0
          ? html`none yet`
          : html`<details>
            <summary>${d.AttemptList.length} ${d.AttemptList.length === 1 ? "attempt" : "attempts"}</summary>
            <ol class="attempts">
              ${d.AttemptList.map(
                (a) => html`<li key=${a.Attempt}><time>${formatTime(a.Time)}</time> ${attemptText(a)}</li>`,
              )}
            </ol>
          </details>`
      }
    </td>
    <td><time>${formatTime(d.CreateTime)}</time></td>
    <td>
      ${
        d.State === "pending"
          ? null
          : html`<button
            class="outline compact"
            aria-label=${`Redeliver delivery ${d.DeliveryId}`}
            onClick=${() => {
              void onRedeliver(d.DeliveryId);
            }}
          >
            Redeliver
          </button>`
      }
    </td>
  </tr>`;
}
