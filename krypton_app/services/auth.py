"""Login with TON Connect (`ton_proof`), one-time login tokens and revocable server-side sessions.

The proof check follows the TON Connect spec ("Address proof signature"): the wallet signs
sha256(0xffff ++ "ton-connect" ++ sha256(message)) with the key found in its stateInit, where
message = "ton-proof-item-v2/" ++ workchain (int32 BE) ++ address hash ++ domain length (uint32 LE)
++ domain ++ timestamp (uint64 LE) ++ payload.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from pytoniq.contract.wallets.wallet import WALLET_V3_R2_CODE, WALLET_V4_R2_CODE
from pytoniq.contract.wallets.wallet_v5 import WALLET_V5_R1_CODE, WalletV5WalletID
from pytoniq_core import Cell, CellTypes
from pytoniq_core.tlb.account import StateInit
from pytoniq_core.tlb.custom.wallet import WalletV3Data, WalletV4Data, WalletV5R1Data
from sqlalchemy import Table, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from krypton_app.db import UnitOfWork
from krypton_app.domain.errors import LoginLinkInvalid, TonProofError
from krypton_app.models import LoginToken, UsedProofPayload, User, UserSession
from krypton_app.models.common import utcnow
from krypton_app.services.users import UserView
from krypton_app.settings import Settings

# Every code a login can fail with; the UI has a message for each (`error.<code>`).
TON_PROOF_ERROR_CODES = (
    "malformed_proof",
    "wrong_network",
    "domain_not_allowed",
    "domain_length_mismatch",
    "timestamp_too_old",
    "timestamp_in_future",
    "state_init_mismatch",
    "unsupported_wallet",
    "public_key_mismatch",
    "bad_signature",
    "payload_invalid",
    "payload_expired",
    "payload_used",
)

PAYLOAD_TTL_S = 15 * 60
CLOCK_SKEW_S = 60  # a wallet's clock may run a little ahead of ours

_PROOF_PREFIX = b"ton-proof-item-v2/"
_CONNECT_PREFIX = b"\xff\xffton-connect"
_PAYLOAD_SALT = "krypton.ton-proof-payload"
_RAW_ADDRESS = re.compile(r"(-?\d{1,3}):([0-9a-fA-F]{64})")

# Standard wallets by code hash, with the layout of their data cell.
_WALLET_DATA = {
    WALLET_V3_R2_CODE.hash: WalletV3Data,
    WALLET_V4_R2_CODE.hash: WalletV4Data,
    WALLET_V5_R1_CODE.hash: WalletV5R1Data,
}


def ton_proof_signing_hash(workchain: int, address_hash: bytes, domain: str, timestamp: int, payload: str) -> bytes:
    """The 32 bytes a wallet signs for a ton_proof."""
    domain_bytes = domain.encode()
    message = b"".join(
        [
            _PROOF_PREFIX,
            workchain.to_bytes(4, "big", signed=True),
            address_hash,
            len(domain_bytes).to_bytes(4, "little"),
            domain_bytes,
            timestamp.to_bytes(8, "little"),
            payload.encode(),
        ]
    )
    return hashlib.sha256(_CONNECT_PREFIX + hashlib.sha256(message).digest()).digest()


def verify_ton_proof(
    account: dict,
    proof: dict,
    *,
    allowed_domains: Iterable[str],
    now: int,
    max_age_s: int = PAYLOAD_TTL_S,
    network: str = "-239",
) -> str:
    """Check a TON Connect `ton_proof` in full; return the wallet's raw address `0:<hex>`.

    Pure: the public key comes from the stateInit, never from the chain, so a wallet that is
    not deployed yet can log in too.
    """
    p = _decode(account, proof)
    if p.chain != network:
        raise TonProofError(code="wrong_network")
    if p.domain.lower() not in {d.lower() for d in allowed_domains}:
        raise TonProofError(code="domain_not_allowed")
    if p.domain_length != len(p.domain.encode()):
        raise TonProofError(code="domain_length_mismatch")
    if now - p.timestamp > max_age_s:
        raise TonProofError(code="timestamp_too_old")
    if p.timestamp - now > CLOCK_SKEW_S:
        raise TonProofError(code="timestamp_in_future")
    # The address is the hash of the stateInit: this ties the key we check below to the address.
    if p.state_init_cell.hash != p.address_hash:
        raise TonProofError(code="state_init_mismatch")
    wallet_public_key = _wallet_public_key(p.state_init, p.workchain, network)
    if wallet_public_key != p.public_key:
        raise TonProofError(code="public_key_mismatch")
    signed = ton_proof_signing_hash(p.workchain, p.address_hash, p.domain, p.timestamp, p.payload)
    try:
        VerifyKey(wallet_public_key).verify(signed, p.signature)
    except BadSignatureError:
        raise TonProofError(code="bad_signature") from None
    return f"{p.workchain}:{p.address_hash.hex()}"


def issue_proof_payload(secret_key: str, *, now: int) -> str:
    """A fresh single-use payload for the wallet to sign: `nonce.timestamp.signature`, 73 chars."""
    nonce = secrets.token_urlsafe(16)
    return _payload_signer(secret_key, now).sign(nonce).decode()


def check_proof_payload(secret_key: str, payload: object, *, now: int) -> str:
    """The nonce of a payload we issued less than 15 minutes ago (not yet checked for reuse)."""
    if not isinstance(payload, str):
        raise TonProofError(code="payload_invalid")
    try:
        return _payload_signer(secret_key, now).unsign(payload, max_age=PAYLOAD_TTL_S).decode()
    except SignatureExpired:
        raise TonProofError(code="payload_expired") from None
    except BadSignature:
        raise TonProofError(code="payload_invalid") from None


def login_with_ton_proof(
    uow: UnitOfWork, account: dict, proof: dict, *, settings: Settings, now: int, demo: bool = False
) -> UserView:
    """Verify the proof, spend its payload and return the wallet's user, created on first login.

    `demo` marks a login by the built-in demo wallet (its key lives only on the server, so the flag
    cannot be claimed by anyone else); with settings.demo_operators such users are operators too.
    The role itself is decided from the settings at every check (services/roles.py), not here."""
    if not isinstance(proof, dict):
        raise TonProofError(code="malformed_proof")
    nonce = check_proof_payload(settings.secret_key, proof.get("payload"), now=now)
    address = verify_ton_proof(
        account,
        proof,
        allowed_domains=settings.allowed_proof_domains,
        now=now,
        network=settings.ton_network,
    )
    with uow.transaction() as s:
        s.add(UsedProofPayload(nonce=nonce))
        try:
            s.flush()
        except IntegrityError:
            raise TonProofError(code="payload_used") from None
        user = _get_or_create_user(s, address)
        if demo and not user.is_demo:
            user.is_demo = True
    return UserView.from_user(user, settings)


# --- Sessions ------------------------------------------------------------------------------------
#
# A login does not hand the browser its session over the websocket (page scripts could read it).
# It issues a one-time login token; the browser navigates to the exchange route (api/auth.py) with it,
# and that route sets the session cookie HttpOnly. The cookie holds a random secret; the server keeps
# only its SHA-256 in `user_sessions`, checked on every request, so logout can take it back.

# The cookie that carries the session: set by api/auth.py, read by the Reflex handlers (from the
# websocket's request headers) and by the plain HTTP routes.
SESSION_COOKIE = "krypton_session"
# The login's browser binding: written by the page that logged in, right before it goes to the exchange
# route, which reads and expires it. Another site cannot write a cookie for ours, so a login token it
# sends a victim's browser to (to sign them into the attacker's account) is refused.
LOGIN_BINDING_COOKIE = "krypton_login"
LOGIN_TOKEN_TTL_S = 60  # from the login handler to the exchange route: one browser navigation
SESSION_TOUCH_S = 300  # last_seen_at is written at most this often per session
_TOKEN_BYTES = 32
_TOKEN_MAX_LEN = 64  # token_urlsafe(32) is 43 characters; anything much longer is not ours
_NEXT_PATH_MAX = 500

_sessions: Table = UserSession.__table__
_login_tokens: Table = LoginToken.__table__


@dataclass(frozen=True)
class LoginTicket:
    token: str  # goes in the exchange route's URL
    binding: str  # goes in the LOGIN_BINDING_COOKIE of the same browser


@dataclass(frozen=True)
class StartedSession:
    token: str  # the cookie value: handed out once, only its hash is stored
    user_id: int
    next_path: str  # the app page the login was for


def safe_next_path(path: str | None, default: str = "/wallet") -> str:
    """A local path to land on after login; anything that could leave the site becomes `default`."""
    if (
        not isinstance(path, str)
        or not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
        or len(path) > _NEXT_PATH_MAX
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)
    ):
        return default
    return path


def issue_login_token(uow: UnitOfWork, user_id: int, *, next_path: str, now: datetime | None = None) -> LoginTicket:
    """A single-use token, valid for LOGIN_TOKEN_TTL_S, that the exchange route turns into a session
    when the same browser also presents the ticket's binding.

    Call only after the user proved who they are (a verified ton_proof)."""
    now = now or utcnow()
    token, binding = secrets.token_urlsafe(_TOKEN_BYTES), secrets.token_urlsafe(_TOKEN_BYTES)
    with uow.transaction() as s:
        # Expired ones (used or not) are of no use to anyone: keep the table small.
        s.execute(delete(_login_tokens).where(_login_tokens.c.expires_at < now))
        s.add(
            LoginToken(
                token_hash=_token_hash(token),
                user_id=user_id,
                binding_hash=_token_hash(binding),
                next_path=safe_next_path(next_path),
                created_at=now,
                expires_at=now + timedelta(seconds=LOGIN_TOKEN_TTL_S),
            )
        )
    return LoginTicket(token=token, binding=binding)


def exchange_login_token(
    uow: UnitOfWork, token: object, binding: object, *, now: datetime | None = None
) -> StartedSession:
    """Spend a login token and open a session for its user; LoginLinkInvalid when the token is
    unknown, already used or expired, or the binding is not its own (the same error for all)."""
    if not _plausible(token) or not _plausible(binding):
        raise LoginLinkInvalid()
    now = now or utcnow()
    with uow.transaction() as s:
        # The conditional UPDATE is the single use: of two racing requests, one finds the row unused.
        row = s.execute(
            update(_login_tokens)
            .where(
                _login_tokens.c.token_hash == _token_hash(token),
                _login_tokens.c.binding_hash == _token_hash(binding),
                _login_tokens.c.used_at.is_(None),
                _login_tokens.c.expires_at > now,
            )
            .values(used_at=now)
            .returning(_login_tokens.c.user_id, _login_tokens.c.next_path)
        ).first()
        if row is None:
            raise LoginLinkInvalid()
        session_token = secrets.token_urlsafe(_TOKEN_BYTES)
        s.add(UserSession(token_hash=_token_hash(session_token), user_id=row.user_id, created_at=now, last_seen_at=now))
    return StartedSession(token=session_token, user_id=row.user_id, next_path=row.next_path)


def read_session(uow: UnitOfWork, token: object, *, max_age_s: int, now: datetime | None = None) -> int | None:
    """The user of a live session, or None when the token is missing, unknown, revoked or older than
    `max_age_s`. Called on every request: one indexed read, and a write at most every SESSION_TOUCH_S."""
    if not _plausible(token):
        return None
    now = now or utcnow()
    stale = _sessions.c.last_seen_at <= now - timedelta(seconds=SESSION_TOUCH_S)
    with uow.read() as s:
        row = s.execute(
            select(_sessions.c.id, _sessions.c.user_id, stale.label("stale")).where(
                _sessions.c.token_hash == _token_hash(token),
                _sessions.c.revoked_at.is_(None),
                _sessions.c.created_at > now - timedelta(seconds=max_age_s),
            )
        ).first()
    if row is None:
        return None
    if row.stale:
        with uow.transaction() as s:
            s.execute(update(_sessions).where(_sessions.c.id == row.id, stale).values(last_seen_at=now))
    return row.user_id


def revoke_session(uow: UnitOfWork, token: object, *, now: datetime | None = None) -> bool:
    """Logout: the session behind this cookie no longer reads as a user. False if there was none."""
    if not _plausible(token):
        return False
    now = now or utcnow()
    with uow.transaction() as s:
        done = s.execute(
            update(_sessions)
            .where(_sessions.c.token_hash == _token_hash(token), _sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
    return done == 1


def revoke_all_sessions(uow: UnitOfWork, user_id: int, *, now: datetime | None = None) -> int:
    """ "Log out everywhere": every session of the user, and any login still on its way to a cookie.
    Returns how many sessions were open."""
    now = now or utcnow()
    with uow.transaction() as s:
        s.execute(
            update(_login_tokens)
            .where(_login_tokens.c.user_id == user_id, _login_tokens.c.used_at.is_(None))
            .values(used_at=now)
        )
        return s.execute(
            update(_sessions)
            .where(_sessions.c.user_id == user_id, _sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount


def _plausible(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= _TOKEN_MAX_LEN


def _token_hash(token: str) -> str:
    # The tokens are 256 random bits: a plain hash is enough to make a copy of the table useless.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class _Proof:
    workchain: int
    address_hash: bytes
    chain: str
    public_key: bytes
    state_init_cell: Cell
    state_init: StateInit
    timestamp: int
    domain: str
    domain_length: int
    payload: str
    signature: bytes


def _decode(account: dict, proof: dict) -> _Proof:
    """Turn the TON Connect JSON into typed values; anything undecodable is `malformed_proof`."""
    try:
        match = _RAW_ADDRESS.fullmatch(account["address"])
        if match is None or not -128 <= int(match[1]) <= 127:
            raise ValueError("address is not raw `wc:hex`")
        state_init_cell = Cell.one_from_boc(base64.b64decode(account["walletStateInit"], validate=True))
        p = _Proof(
            workchain=int(match[1]),
            address_hash=bytes.fromhex(match[2]),
            chain=str(account["chain"]),
            public_key=bytes.fromhex(account["publicKey"]),
            state_init_cell=state_init_cell,
            state_init=StateInit.deserialize(state_init_cell.begin_parse()),
            # The spec sends the timestamp as a decimal string, the JS SDK as a number.
            timestamp=_uint(proof["timestamp"], 64),
            domain=proof["domain"]["value"],
            domain_length=_uint(proof["domain"]["lengthBytes"], 32),
            payload=proof["payload"],
            signature=base64.b64decode(proof["signature"], validate=True),
        )
        if len(p.public_key) != 32 or len(p.signature) != 64:
            raise ValueError("bad key or signature length")
        if not isinstance(p.domain, str) or not isinstance(p.payload, str):
            raise TypeError("domain and payload are strings")
    # pytoniq raises many kinds of errors on a bad BOC; all of them mean the same here.
    except Exception as e:
        raise TonProofError(str(e), code="malformed_proof") from e
    return p


def _uint(value: int | str, bits: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("expected an integer")
    number = int(value)
    if not 0 <= number < 1 << bits:
        raise ValueError("integer out of range")
    return number


def _wallet_public_key(state_init: StateInit, workchain: int, network: str) -> bytes:
    code = state_init.code
    if code is None or state_init.data is None:
        raise TonProofError(code="unsupported_wallet")
    # Wallets may deploy with a library cell (type byte + 256-bit hash) that names the code.
    if code.type_ == CellTypes.library_ref and len(code.bits) == 8 + 256:
        code_hash = code.bits[8:].tobytes()
    else:
        code_hash = code.hash
    data_scheme = _WALLET_DATA.get(code_hash)
    if data_scheme is None:
        raise TonProofError(code="unsupported_wallet")
    try:
        data = data_scheme.deserialize(state_init.data.begin_parse())
    except Exception as e:
        raise TonProofError(str(e), code="malformed_proof") from e
    if data_scheme is WalletV5R1Data:
        # A v5 wallet id names its workchain; it must be the address's own.
        wallet_id = WalletV5WalletID.unpack(data.wallet_id, network_global_id=int(network))
        if wallet_id.context is None and wallet_id.workchain != workchain:
            raise TonProofError(code="state_init_mismatch")
    return data.public_key


class _FixedClockSigner(TimestampSigner):
    """A timestamp signer that reads the caller's clock, so services stay testable."""

    def __init__(self, secret_key: str, now: int, **kwargs):
        super().__init__(secret_key, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return self._now


def _payload_signer(secret_key: str, now: int) -> _FixedClockSigner:
    return _FixedClockSigner(secret_key, now, salt=_PAYLOAD_SALT, digest_method=hashlib.sha256)


def _get_or_create_user(s: Session, address: str) -> User:
    user = s.exec(select(User).where(User.wallet_address == address)).first()
    if user is not None:
        return user
    try:
        # A savepoint: a concurrent first login of the same wallet may insert it first.
        with s.begin_nested():
            user = User(wallet_address=address)
            s.add(user)
        return user
    except IntegrityError:
        return s.exec(select(User).where(User.wallet_address == address)).one()
