"""The TON Connect wrapper compiles to the pinned library, asks for ton_proof and calls back into Reflex.

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
    return tonconnect.tonconnect_provider(
        tonconnect.tonconnect_button(),
        tonconnect.ton_proof_bridge(_LoginProbe.payload, _LoginProbe.verify),
    )


def _bridge_code() -> str:
    return "\n".join(_login_panel()._get_all_custom_code())


def test_every_import_uses_the_pinned_library():
    imports = _login_panel()._get_all_imports()
    assert {v.tag for v in imports[PIN]} == {"TonConnectUIProvider", "TonConnectButton", "useTonConnectUI"}
    assert [lib for lib in imports if "tonconnect" in lib] == [PIN]


def test_manifest_url_is_built_in_the_browser_unless_given():
    (default_prop,) = [p for p in _login_panel().render()["props"] if p.startswith("manifestUrl:")]
    assert "window.location.origin" in default_prop and "'/tonconnect-manifest.json'" in default_prop

    explicit = tonconnect.tonconnect_provider(manifest_url="https://pay.example/tonconnect-manifest.json")
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

    bridge = _login_panel().render()["children"][1]
    assert bridge["name"] == "KryptonTonProofBridge"
    (on_proof,) = [p for p in bridge["props"] if p.startswith("onProof:")]
    assert f'ReflexEvent("{_LoginProbe.get_full_name()}.verify"' in on_proof
    assert '["account"] : _ev_0, ["proof"] : _ev_1' in on_proof
    assert any(p.startswith("payload:") and "payload" in p[len("payload:") :] for p in bridge["props"])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_bridge_code_is_valid_javascript(tmp_path):
    # The JS lives in a Python f-string; a stray brace would only show up at build time otherwise.
    script = tmp_path / "bridge.mjs"
    script.write_text(_bridge_code())
    subprocess.run(["node", "--check", str(script)], check=True, capture_output=True)


def test_disconnect_wallet_runs_only_when_connected():
    (code, callback) = (str(value) for _, value in tonconnect.disconnect_wallet().args)
    assert json.loads(code) == (
        "window.kryptonTonConnect && window.kryptonTonConnect.connected && window.kryptonTonConnect.disconnect()"
    )
    assert callback == "null"


def test_manifest_names_the_app_and_a_180px_png_icon():
    manifest = json.loads((ASSETS / "tonconnect-manifest.json").read_text())
    assert manifest["name"] == "Krypton"
    assert manifest["url"] == "http://localhost:3000"
    assert manifest["iconUrl"].startswith(manifest["url"] + "/")

    icon = (ASSETS / manifest["iconUrl"].removeprefix(manifest["url"] + "/")).read_bytes()
    assert icon[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", icon[16:24]) == (180, 180)
