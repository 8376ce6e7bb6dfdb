import { useEffect, useState } from "preact/hooks";
import { errorText, RestError, useCommands } from "./api.js";
import { formatTime, html, inputChecked, inputValue } from "./html.js";

/**
 * @typedef {import("./api.js").Call} Call
 * @typedef {{ Url: string, CallbackCommandList: string[], DisabledReason?: string }} CallbackConfig
 * @typedef {{ Secret: string, CreateTime: number, ExpireTime?: number }} SigningSecret
 * @typedef {{ kind: "ok" | "error", text: string }} Outcome
 */

/** Codes that say "nothing is set yet" (Tencent: 100301 no configuration, 100302 no token). */
const NOT_SET = [100301, 100302];

/** A secret as the page shows it until asked: its prefix and its last characters. */
function masked(/** @type {string} */ s) {
  return s.length <= 14 ? "••••" : `${s.slice(0, 8)}…${s.slice(-4)}`;
}

/** @param {{ outcome: Outcome | undefined }} props */
function OutcomeLine({ outcome }) {
  if (outcome === undefined) return null;
  return outcome.kind === "error"
    ? html`<p role="alert" class="refusal">${outcome.text}</p>`
    : html`<p role="status" class="notice">${outcome.text}</p>`;
}

/**
 * The app's callback configuration, token and signing secrets, changed through live_config and
 * roomhook_delivery: the server validates every value exactly as for any other REST caller, and the
 * page shows its answer.
 * @param {{ call: Call }} props
 */
export function CallbacksPage({ call }) {
  const commands = useCommands();
  const [config, setConfig] = useState(/** @type {CallbackConfig | null | undefined} */ (undefined));
  const [url, setUrl] = useState("");
  const [chosen, setChosen] = useState(/** @type {string[]} */ ([]));
  const [configOutcome, setConfigOutcome] = useState(/** @type {Outcome | undefined} */ (undefined));
  const [confirmDelete, setConfirmDelete] = useState(false);

  const [token, setToken] = useState(
    /** @type {{ Token: string, IsTokenEnable: boolean } | null | undefined} */ (undefined),
  );
  const [tokenDraft, setTokenDraft] = useState("");
  const [tokenOn, setTokenOn] = useState(true);
  const [showToken, setShowToken] = useState(false);
  const [tokenOutcome, setTokenOutcome] = useState(/** @type {Outcome | undefined} */ (undefined));

  const [secrets, setSecrets] = useState(/** @type {SigningSecret[] | undefined} */ (undefined));
  const [showSecrets, setShowSecrets] = useState(false);
  const [secretOutcome, setSecretOutcome] = useState(/** @type {Outcome | undefined} */ (undefined));
  const [confirmDeleteSecrets, setConfirmDeleteSecrets] = useState(false);

  /** @template T @param {() => Promise<T>} read @returns {Promise<T | null>} */
  const orNone = async (read) => {
    try {
      return await read();
    } catch (err) {
      if (err instanceof RestError && NOT_SET.includes(err.code)) return null;
      throw err;
    }
  };

  const loadConfig = async () => {
    try {
      const c = await orNone(
        async () => /** @type {CallbackConfig} */ (await call("live_config", "get_callback", {})),
      );
      setConfig(c);
      setUrl(c?.Url ?? "");
      setChosen(c?.CallbackCommandList ?? []);
    } catch (err) {
      setConfigOutcome({ kind: "error", text: errorText(err) });
    }
  };
  const loadToken = async () => {
    try {
      const t = await orNone(
        async () =>
          /** @type {{ Token: string, IsTokenEnable: boolean }} */ (
            await call("live_config", "get_callback_token", {})
          ),
      );
      setToken(t);
      setTokenDraft(t?.Token ?? "");
      setTokenOn(t?.IsTokenEnable ?? true);
    } catch (err) {
      setTokenOutcome({ kind: "error", text: errorText(err) });
    }
  };
  const loadSecrets = async () => {
    try {
      const r = /** @type {{ SecretList: SigningSecret[] }} */ (
        await call("roomhook_delivery", "get_signing_secrets", {})
      );
      setSecrets(r.SecretList);
    } catch (err) {
      setSecretOutcome({ kind: "error", text: errorText(err) });
    }
  };
  useEffect(() => {
    void loadConfig();
    void loadToken();
    void loadSecrets();
  }, []);

  /**
   * @param {(o: Outcome | undefined) => void} show
   * @param {() => Promise<string>} action
   * @param {() => Promise<void>} reload
   */
  const act = async (show, action, reload) => {
    try {
      show({ kind: "ok", text: await action() });
      await reload();
    } catch (err) {
      show({ kind: "error", text: `Refused: ${errorText(err)}` });
    }
  };

  const saveConfig = () =>
    act(
      setConfigOutcome,
      async () => {
        const body = { Url: url.trim(), CallbackCommandList: chosen };
        await call("live_config", config === null ? "set_callback" : "update_callback", body);
        return "Saved: events committed from now on are called back with this configuration.";
      },
      loadConfig,
    );
  const deleteConfig = () =>
    act(
      setConfigOutcome,
      async () => {
        setConfirmDelete(false);
        await call("live_config", "delete_callback", {});
        return "Deleted: no callback is written for new events.";
      },
      loadConfig,
    );
  const saveToken = () =>
    act(
      setTokenOutcome,
      async () => {
        /** @type {Record<string, unknown>} */
        const body = { IsTokenEnable: tokenOn };
        if (tokenDraft !== "" || token === null) body.Token = tokenDraft;
        await call("live_config", "set_callback_token", body);
        return tokenOn ? "Saved: callbacks carry Sign and RequestTime." : "Saved: the token is switched off.";
      },
      loadToken,
    );
  const rotate = () =>
    act(
      setSecretOutcome,
      async () => {
        const r = /** @type {{ Secret: string, PreviousSecretsExpireTime: number }} */ (
          await call("roomhook_delivery", "rotate_signing_secret", {})
        );
        return `A new secret signs from now: ${r.Secret}. Secrets made before it sign too until ${formatTime(
          r.PreviousSecretsExpireTime,
        )}.`;
      },
      loadSecrets,
    );
  const deleteSecrets = () =>
    act(
      setSecretOutcome,
      async () => {
        setConfirmDeleteSecrets(false);
        await call("roomhook_delivery", "delete_signing_secrets", {});
        return "Deleted: callbacks are no longer signed with Standard Webhooks headers.";
      },
      loadSecrets,
    );

  const toggle = (/** @type {string} */ c) => (/** @type {Event} */ e) => {
    const on = inputChecked(e);
    setChosen((prev) => (on ? [...prev.filter((x) => x !== c), c] : prev.filter((x) => x !== c)));
  };

  return html`<h1>Callbacks</h1>
    <section aria-labelledby="config-heading">
      <h2 id="config-heading">Configuration</h2>
      ${
        config === undefined
          ? html`<p aria-busy="true">Loading…</p>`
          : html`<form
            onSubmit=${(/** @type {Event} */ e) => {
              e.preventDefault();
              void saveConfig();
            }}
          >
            ${config === null ? html`<p>No callback configuration yet: nothing is called back.</p>` : null}
            ${
              config?.DisabledReason === undefined
                ? null
                : html`<p role="status" class="refusal">
                  Switched off by the receiver: ${config.DisabledReason}. Saving the configuration switches it on
                  again.
                </p>`
            }
            <label>
              Callback Url
              <input
                name="url"
                inputmode="url"
                autocomplete="off"
                placeholder="https://app-backend.example/callback"
                value=${url}
                onInput=${(/** @type {Event} */ e) => {
                  setUrl(inputValue(e));
                }}
              />
            </label>
            <fieldset class="commands">
              <legend>Commands switched on</legend>
              ${commands.map(
                (c) =>
                  html`<label key=${c}>
                    <input type="checkbox" name="command" value=${c} checked=${chosen.includes(c)} onChange=${toggle(c)} />
                    <code>${c}</code>
                  </label>`,
              )}
            </fieldset>
            <${OutcomeLine} outcome=${configOutcome} />
            <div class="actions">
              <button type="submit">${config === null ? "Create configuration" : "Save configuration"}</button>
              ${
                config === null
                  ? null
                  : confirmDelete
                    ? html`<button
                        type="button"
                        class="danger"
                        onClick=${() => {
                          void deleteConfig();
                        }}
                      >
                        Yes, delete it
                      </button>
                      <button
                        type="button"
                        class="secondary"
                        onClick=${() => {
                          setConfirmDelete(false);
                        }}
                      >
                        Keep it
                      </button>`
                    : html`<button
                      type="button"
                      class="secondary outline"
                      onClick=${() => {
                        setConfirmDelete(true);
                      }}
                    >
                      Delete configuration
                    </button>`
              }
            </div>
          </form>`
      }
    </section>

    <section aria-labelledby="token-heading">
      <h2 id="token-heading">Token (Tencent's Sign)</h2>
      ${
        token === undefined
          ? html`<p aria-busy="true">Loading…</p>`
          : html`<form
            onSubmit=${(/** @type {Event} */ e) => {
              e.preventDefault();
              void saveToken();
            }}
          >
            ${token === null ? html`<p>No token: callbacks carry no Sign.</p>` : null}
            <label>
              Token
              <input
                name="token"
                type=${showToken ? "text" : "password"}
                autocomplete="off"
                value=${tokenDraft}
                onInput=${(/** @type {Event} */ e) => {
                  setTokenDraft(inputValue(e));
                }}
              />
            </label>
            <label>
              <input
                type="checkbox"
                role="switch"
                name="token-enabled"
                checked=${tokenOn}
                onChange=${(/** @type {Event} */ e) => {
                  setTokenOn(inputChecked(e));
                }}
              />
              Sign callbacks with this token
            </label>
            <label>
              <input
                type="checkbox"
                name="show-token"
                checked=${showToken}
                onChange=${(/** @type {Event} */ e) => {
                  setShowToken(inputChecked(e));
                }}
              />
              Show the token
            </label>
            <${OutcomeLine} outcome=${tokenOutcome} />
            <button type="submit">Save token</button>
          </form>`
      }
    </section>

    <section aria-labelledby="secrets-heading">
      <h2 id="secrets-heading">Signing secrets (Standard Webhooks)</h2>
      ${
        secrets === undefined
          ? html`<p aria-busy="true">Loading…</p>`
          : secrets.length === 0
            ? html`<p>No signing secret: callbacks carry no webhook-signature header.</p>`
            : html`<div class="overflow-auto">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Secret</th>
                    <th scope="col">Created</th>
                    <th scope="col">Signs until</th>
                  </tr>
                </thead>
                <tbody>
                  ${secrets.map(
                    (s) =>
                      html`<tr key=${s.Secret}>
                        <td><code>${showSecrets ? s.Secret : masked(s.Secret)}</code></td>
                        <td><time>${formatTime(s.CreateTime)}</time></td>
                        <td>${s.ExpireTime === undefined ? "the next rotation" : formatTime(s.ExpireTime)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <${OutcomeLine} outcome=${secretOutcome} />
      <div class="actions">
        <button
          type="button"
          onClick=${() => {
            void rotate();
          }}
        >
          Rotate signing secret
        </button>
        ${
          secrets !== undefined && secrets.length > 0
            ? html`<button
                type="button"
                class="secondary outline"
                aria-pressed=${showSecrets ? "true" : "false"}
                onClick=${() => {
                  setShowSecrets(!showSecrets);
                }}
              >
                ${showSecrets ? "Hide secrets" : "Show secrets"}
              </button>
              ${
                confirmDeleteSecrets
                  ? html`<button
                      type="button"
                      class="danger"
                      onClick=${() => {
                        void deleteSecrets();
                      }}
                    >
                      Yes, delete every secret
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      onClick=${() => {
                        setConfirmDeleteSecrets(false);
                      }}
                    >
                      Keep them
                    </button>`
                  : html`<button
                    type="button"
                    class="secondary outline"
                    onClick=${() => {
                      setConfirmDeleteSecrets(true);
                    }}
                  >
                    Delete all secrets
                  </button>`
              }`
            : null
        }
      </div>
    </section>`;
}
