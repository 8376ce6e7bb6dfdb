import { useState } from "preact/hooks";
import { html, inputValue } from "./html.js";

/**
 * @typedef {import("./api.js").Session} Session
 */

/**
 * The sign-in form: an App administrator's identifier and a UserSig for it. What the server answers
 * when it refuses them (Tencent's code and message) is shown as it came.
 * @param {{ initial: Session, refusal: string, busy: boolean, onSubmit: (s: Session) => void }} props
 */
export function SignIn({ initial, refusal, busy, onSubmit }) {
  const [sdkAppId, setSdkAppId] = useState(initial.sdkAppId);
  const [identifier, setIdentifier] = useState(initial.identifier);
  const [userSig, setUserSig] = useState(initial.userSig);
  return html`<main class="container sign-in" id="main">
    <article>
      <header>
        <h1>roomhook console</h1>
        <p>Sign in as an App administrator, with a UserSig made for that identifier.</p>
      </header>
      <form
        onSubmit=${(/** @type {Event} */ e) => {
          e.preventDefault();
          onSubmit({ sdkAppId: sdkAppId.trim(), identifier: identifier.trim(), userSig: userSig.trim() });
        }}
      >
        <label>
          SDKAppID
          <input
            name="sdkappid"
            inputmode="numeric"
            autocomplete="off"
            required
            value=${sdkAppId}
            onInput=${(/** @type {Event} */ e) => {
              setSdkAppId(inputValue(e));
            }}
          />
        </label>
        <label>
          Administrator identifier
          <input
            name="identifier"
            autocomplete="off"
            required
            value=${identifier}
            onInput=${(/** @type {Event} */ e) => {
              setIdentifier(inputValue(e));
            }}
          />
        </label>
        <label>
          UserSig
          <input
            name="usersig"
            type="password"
            autocomplete="off"
            required
            value=${userSig}
            onInput=${(/** @type {Event} */ e) => {
              setUserSig(inputValue(e));
            }}
          />
        </label>
        ${refusal === "" ? null : html`<p role="alert" class="refusal">${refusal}</p>`}
        <button type="submit" aria-busy=${busy ? "true" : "false"} disabled=${busy}>Sign in</button>
      </form>
      <footer>
        <small>
          <code>npm start</code> prints a link that signs in as the first administrator. Make a UserSig
          with <code>npm run -s roomhook -- usersig --identifier administrator</code>. The UserSig stays in
          this tab (sessionStorage) and goes to the server only in REST calls.
        </small>
      </footer>
    </article>
  </main>`;
}
