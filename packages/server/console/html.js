import { h } from "preact";
import htm from "htm";

/**
 * The console's templates: htm's tagged templates build Preact elements with no build step. A value
 * put in a template is text or an attribute value, never markup: Preact sets it through the DOM
 * (textContent, setAttribute), so a room or user id holding `<img onerror=…>` is shown as it is.
 * Nothing here sets innerHTML.
 */
export const html =
  /** @type {(strings: TemplateStringsArray, ...values: unknown[]) => import("preact").VNode} */ (
    htm.bind(h)
  );

/** The value of the input an event came from. */
export function inputValue(/** @type {Event} */ e) {
  return /** @type {HTMLInputElement} */ (e.currentTarget).value;
}

/** Whether the checkbox an event came from is checked. */
export function inputChecked(/** @type {Event} */ e) {
  return /** @type {HTMLInputElement} */ (e.currentTarget).checked;
}

/** A moment in milliseconds as `2026-01-01 10:00:05Z` (UTC, to the second): the same on every screen. */
export function formatTime(/** @type {number} */ ms) {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

/** Tencent's seconds (CreateTime, BannedUntil) as formatTime does. */
export function formatSeconds(/** @type {number} */ sec) {
  return formatTime(sec * 1000);
}

/** The console's own address of a room's page. */
export function roomHref(/** @type {string} */ roomId) {
  return `#/room/${encodeURIComponent(roomId)}`;
}
