"""The TON Connect wrapper loads the pinned library on demand, asks for ton_proof and calls back into Reflex.

The browser side (modal, wallet status events) is exercised by the e2e tests; here we check the code
Reflex will emit.
"""

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import reflex as rx

from krypton_app.components import tonconnect

ASSETS = Path(__file__).resolve().parents[2] / "assets"
PIN = "@tonconnect/ui-react@2.4.4"


class _LoginProbe(rx.State):
    payload: str = ""

    @rx.event
    def verify(self, account: dict, proof: dict):
        pass


def _login_panel() -> rx.Component:
    return tonconnect.tonconnect_login_button(rx.button("Connect"), _LoginProbe.payload, _LoginProbe.verify)


def _bridge_code() -> str:
    return "\n".join(_login_panel()._get_all_custom_code())


def test_the_library_is_installed_pinned_and_imported_only_on_demand():
    imports = _login_panel()._get_all_imports()
    assert [lib for lib in imports if "tonconnect" in lib] == [PIN]
    # Nothing is imported statically: the only import of the library is the custom code's `import()`.
    assert [v.render for v in imports[PIN]] == [False]
    assert 'const kryptonTonConnectLibrary = () => import("@tonconnect/ui-react");' in _bridge_code()


def test_the_placeholder_stands_in_and_a_click_on_it_opens_the_wallet_list():
    code = _bridge_code()
    assert 'if (!loaded) return createElement("div", { onClick: () => load(true) }, children);' in code
    assert "if (kryptonHasWalletConnection()) load(false);" in code
    assert "} else if (openModal) {\n        tonConnectUI.openModal();" in code
    assert _login_panel().render()["children"][0]["name"] == "RadixThemesButton"


def test_manifest_url_is_built_in_the_browser_unless_given():
    (default_prop,) = [p for p in _login_panel().render()["props"] if p.startswith("manifestUrl:")]
    assert "window.location.origin" in default_prop and "'/tonconnect-manifest.json'" in default_prop

    explicit = tonconnect.tonconnect_login_button(
        rx.fragment(), _LoginProbe.payload, _LoginProbe.verify, "https://pay.example/tonconnect-manifest.json"
    )
    assert 'manifestUrl:"https://pay.example/tonconnect-manifest.json"' in explicit.render()["props"]


def test_bridge_asks_the_wallet_for_ton_proof_only_with_a_payload():
    code = _bridge_code()
    assert 'payload ? { state: "ready", value: { tonProof: payload } } : { state: "loading" }' in code
    assert "if (tonConnectUI.connected) return;" in code
    assert "window.kryptonTonConnect = tonConnectUI;" in code


def test_bridge_forwards_account_and_proof_to_the_reflex_handler():
    code = _bridge_code()
    assert "tonConnectUI.onStatusChange(" in code
    assert 'if (!reply || !("proof" in reply)) return;' in code
    assert "onProof({ address, chain, publicKey, walletStateInit }, reply.proof)" in code

    login = _login_panel().render()
    assert login["name"] == "KryptonTonConnectLogin"
    (on_proof,) = [p for p in login["props"] if p.startswith("onProof:")]
    assert f'ReflexEvent("{_LoginProbe.get_full_name()}.verify"' in on_proof
    assert '["account"] : _ev_0, ["proof"] : _ev_1' in on_proof
    assert any(p.startswith("payload:") and "payload" in p[len("payload:") :] for p in login["props"])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_bridge_code_is_valid_javascript(tmp_path):
    # The JS lives in a Python f-string; a stray brace would only show up at build time otherwise.
    script = tmp_path / "bridge.mjs"
    script.write_text(_bridge_code())
    subprocess.run(["node", "--check", str(script)], check=True, capture_output=True)


def test_disconnect_wallet_disconnects_now_or_leaves_it_to_the_landing_page():
    (code, callback) = (str(value) for _, value in tonconnect.disconnect_wallet().args)
    assert json.loads(code) == (
        "window.kryptonTonConnect ? (window.kryptonTonConnect.connected && window.kryptonTonConnect.disconnect())"
        ' : (window.localStorage.getItem("ton-connect-storage_bridge-connection") !== null'
        ' && window.sessionStorage.setItem("kryptonDisconnectWallet", "1"))'
    )
    assert callback == "null"
    # The landing page's bridge reads the mark once the connection is restored.
    assert 'const leaving = window.sessionStorage.getItem("kryptonDisconnectWallet") !== null;' in _bridge_code()
    assert "if (leaving) tonConnectUI.disconnect();" in _bridge_code()


def test_manifest_names_the_app_and_a_180px_png_icon():
    manifest = json.loads((ASSETS / "tonconnect-manifest.json").read_text())
    assert manifest["name"] == "Krypton"
    assert manifest["url"] == "http://localhost:3000"
    assert manifest["iconUrl"].startswith(manifest["url"] + "/")

    icon = (ASSETS / manifest["iconUrl"].removeprefix(manifest["url"] + "/")).read_bytes()
    assert icon[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", icon[16:24]) == (180, 180)
