"""Settings: local runs get their own generated secrets (never a key printed in the code), the settings
object never prints a secret, production refuses loopback proof domains, and the CORS origins are the
app's own plus the configured ones."""

from __future__ import annotations

import json
import multiprocessing
import re
import stat
from pathlib import Path

import pytest

from krypton_app.chain.hot_wallet import hot_wallet_from_settings
from krypton_app.services.crypto import receipt_signing_key
from krypton_app.settings import DEMO_FEE_OWNER_WALLET, OLD_DEV_SECRET_KEY, ROOT, Settings, local_secrets

PUBLIC = "https://krypton.example"
PRODUCTION = {
    "KRYPTON_ENV": "production",
    "KRYPTON_SECRET_KEY": "p" * 48,
    "KRYPTON_HOT_WALLET_SEED": "11" * 32,
    "KRYPTON_RECEIPT_SEED": "22" * 32,
    "KRYPTON_CHAIN": "toncenter",
    "KRYPTON_APP_URL": PUBLIC,
}


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)  # a developer's .env must not change what the tests see


@pytest.fixture
def no_secret_in_env(monkeypatch, tmp_path) -> Path:
    """As `make run` starts: no KRYPTON_SECRET_KEY; the generated file goes to a fresh folder."""
    for name in ("KRYPTON_SECRET_KEY", "KRYPTON_HOT_WALLET_SEED", "KRYPTON_RECEIPT_SEED", "KRYPTON_ENV"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "local" / ".krypton-secrets.json"
    monkeypatch.setenv("KRYPTON_LOCAL_SECRETS_FILE", str(path))
    return path


# --- (a) generated local secrets ------------------------------------------------------------------


def test_a_local_run_generates_its_own_secrets_once_into_a_private_file(no_secret_in_env):
    first = settings()
    assert first.secret_key and first.secret_key != OLD_DEV_SECRET_KEY and len(first.secret_key) >= 48
    assert no_secret_in_env.exists()
    assert stat.S_IMODE(no_secret_in_env.stat().st_mode) == 0o600
    stored = json.loads(no_secret_in_env.read_text())
    assert stored["secret_key"] == first.secret_key
    assert (first.hot_wallet_seed, first.receipt_seed) == (stored["hot_wallet_seed"], stored["receipt_seed"])
    assert len(bytes.fromhex(first.hot_wallet_seed)) == len(bytes.fromhex(first.receipt_seed)) == 32
    # The next start reads the same file: sessions, the hot wallet and receipts stay what they were.
    again = settings()
    assert (again.secret_key, again.hot_wallet_seed, again.receipt_seed) == (
        first.secret_key,
        first.hot_wallet_seed,
        first.receipt_seed,
    )
    assert hot_wallet_from_settings(again).address == hot_wallet_from_settings(first).address
    assert [p.name for p in no_secret_in_env.parent.iterdir()] == [no_secret_in_env.name]  # no temp file left


def test_two_checkouts_get_different_secrets(no_secret_in_env, monkeypatch, tmp_path):
    one = settings()
    monkeypatch.setenv("KRYPTON_LOCAL_SECRETS_FILE", str(tmp_path / "other.json"))
    two = settings()
    assert one.secret_key != two.secret_key and one.hot_wallet_seed != two.hot_wallet_seed
    assert one.receipt_seed != two.receipt_seed
    assert receipt_signing_key(one).verify_key != receipt_signing_key(two).verify_key


def _read_in_a_process(path: str, results) -> None:
    results.put(local_secrets(Path(path))["secret_key"])


def test_processes_starting_together_agree_on_one_file(tmp_path):
    path = tmp_path / ".krypton-secrets.json"
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_read_in_a_process, args=(str(path), results)) for _ in range(6)]
    for process in processes:
        process.start()
    keys = {results.get(timeout=30) for _ in processes}
    for process in processes:
        process.join(timeout=30)
    assert keys == {json.loads(path.read_text())["secret_key"]}


def test_an_explicit_key_uses_no_file(no_secret_in_env):
    explicit = settings(KRYPTON_SECRET_KEY="k" * 40)
    assert explicit.secret_key == "k" * 40 and explicit.hot_wallet_seed is None
    assert not no_secret_in_env.exists()


def test_production_never_reads_or_writes_the_file_and_needs_explicit_keys(no_secret_in_env):
    unset = settings(KRYPTON_ENV="production", KRYPTON_CHAIN="toncenter", KRYPTON_APP_URL=PUBLIC)
    assert unset.secret_key == "" and not no_secret_in_env.exists()
    with pytest.raises(RuntimeError, match="KRYPTON_SECRET_KEY"):
        unset.check()
    with pytest.raises(RuntimeError, match="KRYPTON_SECRET_KEY"):
        settings(**{**PRODUCTION, "KRYPTON_SECRET_KEY": OLD_DEV_SECRET_KEY}).check()
    settings(**PRODUCTION).check()


def test_a_damaged_file_is_a_clear_error(no_secret_in_env):
    no_secret_in_env.parent.mkdir(parents=True)
    no_secret_in_env.write_text('{"secret_key": "x"}')
    with pytest.raises(Exception, match="delete it"):
        settings()


def test_the_file_is_git_ignored():
    patterns = [line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()]
    assert ".krypton-secrets.json*" in patterns


# --- (b) no secret in repr / str ------------------------------------------------------------------

SECRET_NAME = re.compile(r"secret|seed|password|api_key|token")
NOT_SECRETS = {"local_secrets_file"}  # where the secrets are, not one of them


def test_repr_and_str_print_no_secret():
    values = {
        "KRYPTON_SECRET_KEY": "s3cr3t-session-key-value",
        "KRYPTON_HOT_WALLET_SEED": "ab" * 32,
        "KRYPTON_RECEIPT_SEED": "cd" * 32,
        "KRYPTON_TONCENTER_API_KEY": "toncenter-api-key-value",
        "DATABASE_URL": "postgresql+psycopg://krypton:db-password-value@db.internal/krypton",
        "REDIS_URL": "redis://:redis-password-value@cache.internal:6379/0",
        "KRYPTON_TELEGRAM_BOT_TOKEN": "123456789:telegram-bot-token-value",
    }
    secrets = ["s3cr3t-session-key-value", "ab" * 32, "cd" * 32, "toncenter-api-key-value"]
    secrets += ["telegram-bot-token-value"]
    secrets += ["db-password-value", "redis-password-value"]
    configured = settings(**values)
    for text in (repr(configured), str(configured), f"{configured}", f"{configured!r}"):
        assert [s for s in secrets if s in text] == []
    assert "db.internal" in repr(configured)  # the rest is still there to read


def test_every_field_named_like_a_secret_is_left_out_of_repr():
    named = [name for name in Settings.model_fields if SECRET_NAME.search(name) and name not in NOT_SECRETS]
    assert {"secret_key", "hot_wallet_seed", "receipt_seed", "toncenter_api_key"} <= set(named)
    assert [name for name in named if Settings.model_fields[name].repr] == []


# --- (c) production refuses loopback proof domains --------------------------------------------------


@pytest.mark.parametrize(
    "domains",
    [
        ["localhost:3000"],
        ["127.0.0.1:3000"],
        ["127.1.2.3"],
        ["[::1]:3000"],
        ["app.localhost"],
        ["LOCALHOST."],
        ["0.0.0.0:80"],
        ["[::ffff:127.0.0.1]:443"],
        ["krypton.example", "localhost"],
    ],
)
def test_production_refuses_loopback_proof_domains(domains):
    configured = settings(**PRODUCTION, KRYPTON_PROOF_DOMAINS=domains)
    with pytest.raises(RuntimeError, match="loopback"):
        configured.check()


def test_production_refuses_a_loopback_app_url():
    configured = settings(**{**PRODUCTION, "KRYPTON_APP_URL": "http://localhost:3000"})
    with pytest.raises(RuntimeError, match="loopback"):
        configured.check()


def test_production_defaults_to_the_apps_own_host_only():
    configured = settings(**PRODUCTION)
    configured.check()
    assert configured.allowed_proof_domains == ["krypton.example"]
    public = settings(**PRODUCTION, KRYPTON_PROOF_DOMAINS=["pay.krypton.example"])
    public.check()
    assert public.allowed_proof_domains == ["pay.krypton.example", "krypton.example"]


def test_local_runs_keep_the_loopback_domains():
    assert {"localhost:3000", "127.0.0.1:3000"} <= set(settings().allowed_proof_domains)


# --- CORS origins -----------------------------------------------------------------------------------


def test_cors_allows_the_apps_own_origin_and_the_configured_ones():
    assert settings(**PRODUCTION).cors_allowed_origins == [PUBLIC]
    extra = settings(**PRODUCTION, KRYPTON_CORS_ORIGINS=["https://Admin.Krypton.example/", "https://x.example:443"])
    assert extra.cors_allowed_origins == [PUBLIC, "https://admin.krypton.example", "https://x.example"]
    assert settings(KRYPTON_APP_URL="https://krypton.example:8443/app/").cors_allowed_origins[0] == (
        "https://krypton.example:8443"
    )


def test_the_environment_gives_a_json_list(monkeypatch):
    monkeypatch.setenv("KRYPTON_CORS_ORIGINS", '["https://admin.krypton.example"]')
    assert settings(**PRODUCTION).cors_allowed_origins == [PUBLIC, "https://admin.krypton.example"]


def test_a_local_run_answers_on_localhost_and_127_0_0_1():
    assert settings(KRYPTON_APP_URL="http://localhost:3000").cors_allowed_origins == [
        "http://localhost:3000",
        "http://127.0.0.1:3000",
    ]


@pytest.mark.parametrize("bad", ["*", "https://*.example", "https://shop.example/path", "shop.example", "ftp://x"])
def test_cors_origins_take_origins_only(bad):
    with pytest.raises(ValueError, match="KRYPTON_CORS_ORIGINS"):
        settings(KRYPTON_CORS_ORIGINS=[bad])


# --- the fee owner's wallet (fee sweeps) -----------------------------------------------------------


def test_the_fee_owner_wallet_is_checked_at_start_and_the_demo_chain_has_one():
    owner = "0:" + "ab" * 32
    assert settings(KRYPTON_FEE_OWNER_WALLET=f" {owner} ").fee_owner == owner
    for wrong in ("EQ-not-an-address", "-1:" + "ab" * 32):
        with pytest.raises(ValueError, match="KRYPTON_FEE_OWNER_WALLET"):
            settings(KRYPTON_FEE_OWNER_WALLET=wrong)
    # No wallet: the in-process demo chain sweeps to the demo owner; a real chain and production do not sweep.
    assert settings(KRYPTON_CHAIN="fake").fee_owner == DEMO_FEE_OWNER_WALLET
    assert settings(KRYPTON_CHAIN="toncenter").fee_owner is None
    assert settings(**PRODUCTION).fee_owner is None
    assert settings(**PRODUCTION, KRYPTON_FEE_OWNER_WALLET=owner).fee_owner == owner


# --- Telegram: the bot token turns the Mini App login on; its prefix is the bot id --------------------


def test_telegram_login_needs_the_bot_token():
    assert settings().telegram_login_enabled is False and settings().telegram_bot_id is None
    configured = settings(KRYPTON_TELEGRAM_BOT_TOKEN="7244657541:AAEgqk0HDC3WD5cdbnGMdd6L0TJ74FDp97Y")
    assert configured.telegram_login_enabled is True and configured.telegram_bot_id == 7244657541
    assert configured.telegram_public_keys["production"].startswith("e7bf03a2")


def test_a_malformed_bot_token_is_refused_without_echoing_it():
    with pytest.raises(Exception, match="<bot id>:<secret>") as caught:
        settings(KRYPTON_TELEGRAM_BOT_TOKEN="not-a-token-value")
    assert "not-a-token-value" not in str(caught.value)
