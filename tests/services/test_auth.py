"""Login with ton_proof on SQLite and PostgreSQL: one user per wallet, one use per payload."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from pytoniq_core import Address
from sqlmodel import func, select

from krypton_app.domain.errors import TonProofError
from krypton_app.models import UsedProofPayload, User
from krypton_app.services.auth import login_with_ton_proof
from krypton_app.services.demo_wallet import demo_wallet_proof, new_demo_seed
from krypton_app.services.ton_proof import issue_proof_payload
from krypton_app.settings import Settings

NOW = 1_760_000_000
DOMAIN = "localhost:3000"


def settings(**changes) -> Settings:
    base = Settings().model_copy(
        update={
            "secret_key": "test-secret",
            "allowed_proof_domains": [DOMAIN],
            "ton_network": "-239",
            "operator_addresses": [],
        }
    )
    return base.model_copy(update=changes)


def demo_login(uow, seed: bytes, *, config: Settings | None = None, now: int = NOW, payload: str | None = None):
    config = config or settings()
    payload = payload or issue_proof_payload(config.secret_key, now=now)
    account, proof = demo_wallet_proof(seed, payload=payload, domain=DOMAIN, now=now)
    return login_with_ton_proof(uow, account, proof, settings=config, now=now)


def count(uow, model) -> int:
    with uow.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def error_code(call) -> str:
    with pytest.raises(TonProofError) as exc:
        call()
    return exc.value.code


def test_demo_wallet_login_creates_the_user_once(uow):
    seed = new_demo_seed()
    first = demo_login(uow, seed)
    second = demo_login(uow, seed, now=NOW + 3600)
    assert first == second
    assert first.wallet_address.startswith("0:") and len(first.wallet_address) == 66
    assert first.friendly_address.startswith("UQ")
    assert (first.language, first.is_operator, first.display_name) == ("en", False, "")
    assert count(uow, User) == 1
    assert count(uow, UsedProofPayload) == 2


def test_two_wallets_are_two_users(uow):
    assert demo_login(uow, new_demo_seed()).id != demo_login(uow, new_demo_seed()).id
    assert count(uow, User) == 2


def test_a_payload_is_used_once(uow):
    config = settings()
    payload = issue_proof_payload(config.secret_key, now=NOW)
    demo_login(uow, new_demo_seed(), payload=payload)
    # Even another wallet cannot reuse it.
    assert error_code(lambda: demo_login(uow, new_demo_seed(), payload=payload)) == "payload_used"
    assert count(uow, User) == 1


def test_a_failed_proof_does_not_spend_the_payload(uow):
    config = settings()
    seed = new_demo_seed()
    payload = issue_proof_payload(config.secret_key, now=NOW)
    account, proof = demo_wallet_proof(seed, payload=payload, domain="evil.example", now=NOW)
    code = error_code(lambda: login_with_ton_proof(uow, account, proof, settings=config, now=NOW))
    assert code == "domain_not_allowed"
    assert count(uow, UsedProofPayload) == 0
    assert demo_login(uow, seed, payload=payload).id


def test_payload_issued_with_another_key_is_invalid(uow):
    payload = issue_proof_payload("another-secret", now=NOW)
    assert error_code(lambda: demo_login(uow, new_demo_seed(), payload=payload)) == "payload_invalid"
    assert count(uow, User) == 0


def test_payload_older_than_15_minutes_is_expired(uow):
    config = settings()
    seed = new_demo_seed()
    payload = issue_proof_payload(config.secret_key, now=NOW)
    # The wallet signs late: the proof itself is fresh, the payload is not.
    account, proof = demo_wallet_proof(seed, payload=payload, domain=DOMAIN, now=NOW + 901)
    code = error_code(lambda: login_with_ton_proof(uow, account, proof, settings=config, now=NOW + 901))
    assert code == "payload_expired"


def test_login_checks_the_configured_network(uow):
    config = settings(ton_network="-3")
    assert error_code(lambda: demo_login(uow, new_demo_seed(), config=config)) == "wrong_network"


def test_login_rejects_a_tampered_proof(uow):
    config = settings()
    payload = issue_proof_payload(config.secret_key, now=NOW)
    account, proof = demo_wallet_proof(new_demo_seed(), payload=payload, domain=DOMAIN, now=NOW)
    proof["timestamp"] += 1
    code = error_code(lambda: login_with_ton_proof(uow, account, proof, settings=config, now=NOW))
    assert code == "bad_signature"
    assert count(uow, User) == 0


def test_malformed_proof_is_rejected(uow):
    assert error_code(lambda: login_with_ton_proof(uow, {}, None, settings=settings(), now=NOW)) == ("malformed_proof")


def test_operator_role_follows_the_settings_list(uow):
    seed = new_demo_seed()
    raw = demo_login(uow, seed).wallet_address
    friendly = Address(raw).to_str(is_user_friendly=True, is_bounceable=True)
    assert demo_login(uow, seed, config=settings(operator_addresses=[friendly])).is_operator
    assert demo_login(uow, seed, config=settings(operator_addresses=[raw])).is_operator
    # Taken off the list, the wallet is no operator (between logins too: tests/services/test_operator_role.py).
    assert not demo_login(uow, seed, config=settings(operator_addresses=[])).is_operator


def test_first_login_of_an_operator(uow):
    seed = new_demo_seed()
    account, _ = demo_wallet_proof(seed, payload="p", domain=DOMAIN, now=NOW)
    user = demo_login(uow, seed, config=settings(operator_addresses=[account["address"]]))
    assert user.is_operator


def test_racing_logins_with_one_payload_let_exactly_one_in(pg_uow):
    config = settings()
    payload = issue_proof_payload(config.secret_key, now=NOW)
    seeds = [new_demo_seed() for _ in range(8)]

    def attempt(seed):
        try:
            return demo_login(pg_uow, seed, payload=payload).id
        except TonProofError as e:
            return e.code

    with ThreadPoolExecutor(len(seeds)) as pool:
        results = list(pool.map(attempt, seeds))
    assert results.count("payload_used") == len(seeds) - 1
    assert len([r for r in results if isinstance(r, int)]) == 1
    assert count(pg_uow, User) == 1


def test_racing_first_logins_of_one_wallet_make_one_user(pg_uow):
    seed = new_demo_seed()
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda _: demo_login(pg_uow, seed).id, range(8)))
    assert len(set(ids)) == 1
    assert count(pg_uow, User) == 1


def test_demo_login_grants_operator_only_when_demo_operators_is_on(uow):
    from krypton_app.services.auth import login_with_ton_proof
    from krypton_app.services.demo_wallet import demo_wallet_proof, new_demo_seed
    from krypton_app.services.ton_proof import issue_proof_payload
    from krypton_app.settings import Settings

    now = 1_800_000_000
    for demo_operators, expected in ((False, False), (True, True)):
        settings = Settings(KRYPTON_DEMO_OPERATORS=demo_operators)
        payload = issue_proof_payload(settings.secret_key, now=now)
        account, proof = demo_wallet_proof(new_demo_seed(), payload=payload, domain="localhost:3000", now=now)
        user = login_with_ton_proof(uow, account, proof, settings=settings, now=now, demo=True)
        assert user.is_operator is expected
