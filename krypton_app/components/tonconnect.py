"""TON Connect login for Reflex: a connect button that loads TON Connect on demand, and the ton_proof bridge.

The library (@tonconnect/ui-react, ~400 KB) is imported only when the visitor presses the button, or at
once on a browser that has a wallet connected already (its own button then shows that wallet's menu), so
the landing page's first load stays light and no other page loads it. The bridge hands a wallet's
`ton_proof` to a Reflex event handler; the server verifies it. Logout calls `disconnect_wallet()` so the
wallet forgets the dApp too.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec, passthrough_event_spec
from reflex.utils.imports import ImportVar

# One pin, so bun installs exactly this version.
LIBRARY = "@tonconnect/ui-react@2.4.4"

# Built in the browser so the same build works on any host and port; the manifest is in assets/.
DEFAULT_MANIFEST_URL = rx.Var(
    "((typeof window !== 'undefined' ? window.location.origin : '') + '/tonconnect-manifest.json')",
    _var_type=str,
)

# The instance is kept on `window` so a state handler can reach it with `rx.call_script`.
INSTANCE_GLOBAL = "kryptonTonConnect"
# Where TON Connect keeps a wallet connection (localStorage): present, the library loads at once.
CONNECTION_KEY = "ton-connect-storage_bridge-connection"
# A logout on a page that had not loaded TON Connect leaves this in sessionStorage; the landing page it
# goes to restores the connection and disconnects it.
DISCONNECT_KEY = "kryptonDisconnectWallet"

_LOGIN_CODE = f"""
const kryptonTonConnectLibrary = () => import("@tonconnect/ui-react");

function kryptonHasWalletConnection() {{
  try {{
    return window.localStorage.getItem("{CONNECTION_KEY}") !== null;
  }} catch (e) {{
    return false;
  }}
}}

function kryptonRequestTonProof(tonConnectUI, payload) {{
  // Only the next connection reads these parameters.
  if (tonConnectUI.connected) return;
  tonConnectUI.setConnectRequestParameters(
    payload ? {{ state: "ready", value: {{ tonProof: payload }} }} : {{ state: "loading" }}
  );
}}

function KryptonTonProofBridge({{ lib, payload, onProof, openModal }}) {{
  const [tonConnectUI] = lib.useTonConnectUI();
  // Read by the status listener, which is subscribed only once.
  const latest = useRef({{ payload, onProof }});
  useEffect(() => {{
    latest.current = {{ payload, onProof }};
  }});
  useEffect(() => {{
    window.{INSTANCE_GLOBAL} = tonConnectUI;
    tonConnectUI.connectionRestored.then(() => {{
      const leaving = window.sessionStorage.getItem("{DISCONNECT_KEY}") !== null;
      window.sessionStorage.removeItem("{DISCONNECT_KEY}");
      if (tonConnectUI.connected) {{
        if (leaving) tonConnectUI.disconnect();
      }} else if (openModal) {{
        tonConnectUI.openModal();
      }}
    }});
    return tonConnectUI.onStatusChange((wallet) => {{
      if (!wallet) {{
        // A payload issued while connected was skipped; the next login needs it.
        kryptonRequestTonProof(tonConnectUI, latest.current.payload);
        return;
      }}
      // A restored connection, or a wallet that refused ton_proof, carries no proof:
      // the session cookie covers the first, a fresh login the second.
      const reply = wallet.connectItems?.tonProof;
      if (!reply || !("proof" in reply)) return;
      const {{ address, chain, publicKey, walletStateInit }} = wallet.account;
      latest.current.onProof({{ address, chain, publicKey, walletStateInit }}, reply.proof);
    }});
  }}, [tonConnectUI]);
  useEffect(() => {{
    kryptonRequestTonProof(tonConnectUI, payload);
  }}, [tonConnectUI, payload]);
  return null;
}}

function KryptonTonConnectLogin({{ manifestUrl, payload, onProof, children }}) {{
  // Until the library is loaded, `children` (our look-alike button) stand in for TON Connect's button.
  const [loaded, setLoaded] = useState(null);
  const load = useCallback((openModal) => {{
    kryptonTonConnectLibrary().then((lib) => setLoaded((current) => current ?? {{ lib, openModal }}));
  }}, []);
  useEffect(() => {{
    if (kryptonHasWalletConnection()) load(false);
  }}, [load]);
  if (!loaded) return createElement("div", {{ onClick: () => load(true) }}, children);
  const {{ lib, openModal }} = loaded;
  return createElement(
    lib.TonConnectUIProvider,
    // The SDK reports wallet events to a TON analytics service by default; ours stay private.
    {{ manifestUrl, analytics: {{ mode: "off" }} }},
    createElement(lib.TonConnectButton),
    createElement(KryptonTonProofBridge, {{ lib, payload, onProof, openModal }}),
  );
}}
"""


class TonConnectLogin(rx.Component):
    """TON Connect's button with the ton_proof bridge, loaded on demand; its children stand in for the button
    until then, and a click on them loads the library and opens the wallet list."""

    tag = "KryptonTonConnectLogin"
    # Installed by bun, imported only by the custom code's `import()`: a chunk of its own.
    lib_dependencies: list[str] = [LIBRARY]

    manifest_url: rx.Var[str]
    payload: rx.Var[str]

    # (account, proof) as TON Connect names them; the server verifies both.
    on_proof: rx.EventHandler[passthrough_event_spec(dict, dict)]

    def add_imports(self) -> dict[str, list[ImportVar]]:
        return {
            "react": [ImportVar(tag=tag) for tag in ("createElement", "useCallback", "useEffect", "useRef", "useState")]
        }

    def add_custom_code(self) -> list[str]:
        return [_LOGIN_CODE]


def tonconnect_login_button(
    placeholder: rx.Component,
    payload: rx.Var[str],
    on_proof: rx.EventHandler,
    manifest_url: str | rx.Var[str] | None = None,
) -> rx.Component:
    """TON Connect's connect button (after login, the wallet menu), with `placeholder` in its place until the
    library is loaded. The wallet is asked to sign `payload` and `on_proof(account, proof)` gets its answer;
    while `payload` is empty the connect modal waits."""
    return TonConnectLogin.create(
        placeholder,
        manifest_url=DEFAULT_MANIFEST_URL if manifest_url is None else manifest_url,
        payload=payload,
        on_proof=on_proof,
    )


def disconnect_wallet() -> EventSpec:
    """An event for logout: forget the wallet connection in the browser, if there is one. Without TON Connect
    loaded on this page, the landing page that logout goes to does it (see DISCONNECT_KEY)."""
    return rx.call_script(
        f"window.{INSTANCE_GLOBAL} ? (window.{INSTANCE_GLOBAL}.connected && window.{INSTANCE_GLOBAL}.disconnect())"
        f' : (window.localStorage.getItem("{CONNECTION_KEY}") !== null'
        f' && window.sessionStorage.setItem("{DISCONNECT_KEY}", "1"))'
    )
