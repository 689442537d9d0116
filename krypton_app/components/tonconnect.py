"""TON Connect login for Reflex: provider, connect button and an invisible ton_proof bridge.

The bridge hands a wallet's `ton_proof` to a Reflex event handler; the server verifies it.
Logout calls `disconnect_wallet()` so the wallet forgets the dApp too.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec, passthrough_event_spec
from reflex.utils.imports import ImportVar

# One pin for every import, so bun installs exactly this version.
LIBRARY = "@tonconnect/ui-react@2.4.4"

# Built in the browser so the same build works on any host and port; the manifest is in assets/.
DEFAULT_MANIFEST_URL = rx.Var(
    "((typeof window !== 'undefined' ? window.location.origin : '') + '/tonconnect-manifest.json')",
    _var_type=str,
)

# The instance is kept on `window` so a state handler can reach it with `rx.call_script`.
INSTANCE_GLOBAL = "kryptonTonConnect"

_BRIDGE_CODE = f"""
function kryptonRequestTonProof(tonConnectUI, payload) {{
  // Only the next connection reads these parameters.
  if (tonConnectUI.connected) return;
  tonConnectUI.setConnectRequestParameters(
    payload ? {{ state: "ready", value: {{ tonProof: payload }} }} : {{ state: "loading" }}
  );
}}

function KryptonTonProofBridge({{ payload, onProof }}) {{
  const [tonConnectUI] = useTonConnectUI();
  // Read by the status listener, which is subscribed only once.
  const latest = useRef({{ payload, onProof }});
  useEffect(() => {{
    latest.current = {{ payload, onProof }};
  }});
  useEffect(() => {{
    window.{INSTANCE_GLOBAL} = tonConnectUI;
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
"""


class TonConnectUIProvider(rx.Component):
    library = LIBRARY
    tag = "TonConnectUIProvider"

    manifest_url: rx.Var[str]
    analytics: rx.Var[dict]


class TonConnectButton(rx.Component):
    library = LIBRARY
    tag = "TonConnectButton"


class TonProofBridge(rx.Component):
    """Renders nothing; feeds the server's payload to the wallet and its proof back to `on_proof`."""

    tag = "KryptonTonProofBridge"

    payload: rx.Var[str]

    # (account, proof) as TON Connect names them; the server verifies both.
    on_proof: rx.EventHandler[passthrough_event_spec(dict, dict)]

    def add_imports(self) -> dict[str, list[ImportVar]]:
        return {
            "react": [ImportVar(tag="useEffect"), ImportVar(tag="useRef")],
            LIBRARY: [ImportVar(tag="useTonConnectUI")],
        }

    def add_custom_code(self) -> list[str]:
        return [_BRIDGE_CODE]


def tonconnect_provider(*children: rx.Component, manifest_url: str | rx.Var[str] | None = None) -> rx.Component:
    """Wrap `children` (button, bridge, the page) in TON Connect's context."""
    return TonConnectUIProvider.create(
        *children,
        manifest_url=DEFAULT_MANIFEST_URL if manifest_url is None else manifest_url,
        # The SDK reports wallet events to a TON analytics service by default; ours stay private.
        analytics={"mode": "off"},
    )


def tonconnect_button() -> rx.Component:
    """The standard connect button; after login it turns into the wallet menu."""
    return TonConnectButton.create()


def ton_proof_bridge(payload: rx.Var[str], on_proof: rx.EventHandler) -> rx.Component:
    """Ask the wallet to sign `payload` and call `on_proof(account, proof)` with its answer.

    Place it inside `tonconnect_provider`; while `payload` is empty the connect modal waits.
    """
    return TonProofBridge.create(payload=payload, on_proof=on_proof)


def disconnect_wallet() -> EventSpec:
    """An event for logout: forget the wallet connection in the browser, if there is one."""
    return rx.call_script(
        f"window.{INSTANCE_GLOBAL} && window.{INSTANCE_GLOBAL}.connected && window.{INSTANCE_GLOBAL}.disconnect()"
    )
