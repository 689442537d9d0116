"""Profile service on SQLite and PostgreSQL: normalisation, validation, uniqueness, lookup.

A User row written here with `email=` holds a verified email (the column holds nothing else); an email
saved through update_profile waits in `pending_email` until its code comes back (tests/services/test_email_codes.py).
"""

from __future__ import annotations

import pytest
from builders import make_user, race
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from krypton_app.domain.errors import KryptonError, ProfileError
from krypton_app.models import User
from krypton_app.services import users
from krypton_app.services.users import find_user_by_contact, get_user, update_profile

PROFILE = {"display_name": "", "username": None, "phone": None, "email": None, "language": "en"}


def edit(uow, user_id, **changes):
    return update_profile(uow, user_id, **{**PROFILE, **changes})


def row(uow, user_id) -> User:
    with uow.read() as s:
        return s.get(User, user_id)


def test_get_user_returns_a_view_with_friendly_and_short_address(uow):
    user_id = make_user(uow)
    view = get_user(uow, user_id)
    assert view.wallet_address == row(uow, user_id).wallet_address
    assert view.friendly_address.startswith("UQ") and len(view.friendly_address) == 48
    assert view.short_address == f"{view.friendly_address[:4]}…{view.friendly_address[-4:]}"
    assert (view.language, view.is_operator, view.username) == ("en", False, None)


def test_get_user_unknown_is_none(uow):
    assert get_user(uow, 999_999) is None


def test_update_profile_normalises_every_field(uow):
    user_id = make_user(uow)
    view = update_profile(
        uow,
        user_id,
        display_name="  Alice Smith ",
        username=" @Alice_01 ",
        phone=" +7 (900) 123-45-67 ",
        email="  Alice@Example.COM ",
        language=" RU ",
    )
    assert (view.display_name, view.username, view.phone, view.email, view.language) == (
        "Alice Smith",
        "alice_01",
        "+79001234567",
        "alice@example.com",
        "ru",
    )
    stored = row(uow, user_id)
    assert (stored.username, stored.phone, stored.email) == ("alice_01", "+79001234567", None)
    assert stored.pending_email == "alice@example.com" and not view.email_verified


def test_empty_optional_fields_become_none(uow):
    user_id = make_user(uow, username="bob", phone="+12025550100", email="bob@example.com")
    view = edit(uow, user_id, username="  ", phone="", email=" ")
    assert (view.username, view.phone, view.email) == (None, None, None)


def test_keeping_your_own_contacts_is_not_taken(uow):
    user_id = make_user(uow)
    edit(uow, user_id, username="carol", phone="+12025550101", email="carol@example.com")
    view = edit(uow, user_id, username="@Carol", phone="+1 202 555 0101", email="CAROL@example.com")
    assert view.username == "carol"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("username", "ab", "username_invalid"),
        ("username", "a" * 33, "username_invalid"),
        ("username", "1abc", "username_invalid"),
        ("username", "_abc", "username_invalid"),
        ("username", "ab-cd", "username_invalid"),
        ("username", "ab cd", "username_invalid"),
        ("username", "@@abc", "username_invalid"),
        ("phone", "79001234567", "phone_invalid"),
        ("phone", "+123456", "phone_invalid"),
        ("phone", "+1234567890123456", "phone_invalid"),
        ("phone", "+7 900 abc", "phone_invalid"),
        ("email", "bob", "email_invalid"),
        ("email", "bob@example", "email_invalid"),
        ("email", "bob@@example.com", "email_invalid"),
        ("email", "bo b@example.com", "email_invalid"),
        ("email", "b" * 250 + "@example.com", "email_invalid"),
        ("language", "de", "language_invalid"),
        ("language", "", "language_invalid"),
        ("display_name", "x" * 65, "display_name_too_long"),
    ],
)
def test_invalid_input_names_the_rule_and_field_and_changes_nothing(uow, field, value, code):
    assert code in users.PROFILE_ERROR_CODES
    user_id = make_user(uow, display_name="Dan", username="dan", language="ru")
    with pytest.raises(ProfileError) as exc:
        edit(uow, user_id, **{"display_name": "Daniel", "username": "daniel", field: value})
    assert (exc.value.code, exc.value.field) == (code, field)
    stored = row(uow, user_id)
    assert (stored.display_name, stored.username, stored.language) == ("Dan", "dan", "ru")


def test_limits_that_are_allowed(uow):
    user_id = make_user(uow)
    view = edit(
        uow,
        user_id,
        display_name="x" * 64,
        username="a" + "b" * 31,
        phone="+" + "1" * 15,
        email="a@b.co",
    )
    assert (len(view.display_name), len(view.username), len(view.phone)) == (64, 32, 16)
    assert edit(uow, user_id, username="abc", phone="+1234567").username == "abc"


@pytest.mark.parametrize(
    ("field", "theirs", "mine", "code"),
    [
        ("username", "erin", "@ERIN", "username_taken"),
        ("phone", "+12025550102", "+1 (202) 555-01-02", "phone_taken"),
        ("email", "erin@example.com", "Erin@Example.com", "email_taken"),
    ],
)
def test_taken_contacts_are_refused_and_nothing_changes(uow, field, theirs, mine, code):
    assert code in users.PROFILE_ERROR_CODES
    make_user(uow, **{field: theirs})
    user_id = make_user(uow, display_name="Frank")
    with pytest.raises(ProfileError) as exc:
        edit(uow, user_id, display_name="Changed", **{field: mine})
    assert (exc.value.code, exc.value.field) == (code, field)
    assert row(uow, user_id).display_name == "Frank"
    assert getattr(row(uow, user_id), field) is None


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("username", "grace", "username_taken"),
        ("username", "Grace", "username_taken"),  # a row written in another case still owns the name
        ("phone", "+12025550103", "phone_taken"),
    ],
)
def test_unique_constraint_backs_the_check(uow, monkeypatch, field, value, code):
    # As if a concurrent edit took the value between the check and the write: the first check
    # sees nothing, the constraint fires, and the error still names the field.
    make_user(uow, **{field: value})
    user_id = make_user(uow, display_name="Heidi")
    value = value.lower() if field == "username" else value
    real = users._first_taken
    calls = []

    def blind_first(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(users, "_first_taken", blind_first)
    with pytest.raises(ProfileError) as exc:
        edit(uow, user_id, display_name="Changed", **{field: value})
    assert (exc.value.code, exc.value.field) == (code, field)
    assert row(uow, user_id).display_name == "Heidi"


def test_update_profile_of_unknown_user(uow):
    with pytest.raises(KryptonError) as exc:
        edit(uow, 999_999)
    assert exc.value.code == "user_not_found"


@pytest.mark.parametrize("contact", ["@ivan", "ivan", " IVAN ", "@Ivan", "Ivan@Example.com", " ivan@example.com "])
def test_find_user_by_contact(uow, contact):
    user_id = make_user(uow, email="ivan@example.com")  # verified
    make_user(uow, username="someone")
    edit(uow, user_id, username="ivan", phone="+79001234567", email="ivan@example.com")
    assert find_user_by_contact(uow, contact).id == user_id


@pytest.mark.parametrize(
    "contact",
    ["", "   ", "@", "@nobody", "+1", "x@y", "nobody@example.com", "+79990000000", "+79001234567", "79001234567"],
)
def test_find_user_by_contact_unknown_malformed_or_a_phone_is_none(uow, contact):
    # Phones address nobody until Telegram confirms them, even one a user has on the profile.
    make_user(uow, username="judy", phone="+79001234567", email="judy@example.com")
    assert find_user_by_contact(uow, contact) is None


def test_an_unverified_email_matches_nobody(uow):
    owner = make_user(uow)
    edit(uow, owner, email="kim@example.com")
    assert get_user(uow, owner).email == "kim@example.com" and not get_user(uow, owner).email_verified
    assert find_user_by_contact(uow, "kim@example.com") is None


def test_a_pending_email_blocks_nobody_but_a_verified_one_does(uow):
    # Whoever types an address first must not lock its owner out: only a verified email is exclusive.
    squatter, owner, late = make_user(uow), make_user(uow), make_user(uow)
    edit(uow, squatter, email="leo@example.com")
    assert edit(uow, owner, email="Leo@example.com").email == "leo@example.com"
    with uow.transaction() as s:  # as verify_email_code leaves it
        user = s.get(User, owner)
        user.email, user.pending_email = user.pending_email, None
    with pytest.raises(ProfileError) as exc:
        edit(uow, late, email="leo@example.com")
    assert (exc.value.code, exc.value.field) == ("email_taken", "email")


def test_changing_the_email_drops_its_verification_and_keeping_it_does_not(uow):
    user_id = make_user(uow, email="mia@example.com")
    kept = edit(uow, user_id, email=" MIA@example.com ", display_name="Mia")
    assert (kept.email, kept.email_verified) == ("mia@example.com", True)
    changed = edit(uow, user_id, email="mia@example.org")
    assert (changed.email, changed.email_verified) == ("mia@example.org", False)
    assert find_user_by_contact(uow, "mia@example.com") is None
    back = edit(uow, user_id, email="mia@example.com")
    assert (back.email, back.email_verified) == ("mia@example.com", False)  # verified again only by a code
    assert (row(uow, user_id).email, row(uow, user_id).pending_email) == (None, "mia@example.com")


def test_a_username_is_unique_whatever_its_case(uow):
    # A name written in another case (an old row, a direct write) still belongs to its first owner: the
    # lookup finds them, a new claim is refused, and the database refuses a twin too.
    first = make_user(uow, username="Nina")
    other = make_user(uow)
    with pytest.raises(ProfileError) as exc:
        edit(uow, other, username="nina")
    assert exc.value.code == "username_taken"
    assert find_user_by_contact(uow, "@NINA").id == first
    with pytest.raises(IntegrityError):
        make_user(uow, username="NINA")


def test_two_users_racing_for_one_username_one_wins(pg_uow):
    uow = pg_uow
    for round_ in range(5):
        name = f"olga{round_}"
        a, b = make_user(uow), make_user(uow)
        results = race(
            lambda a=a, n=name: edit(uow, a, username=n.upper()), lambda b=b, n=name: edit(uow, b, username=n)
        )
        won = [r for r in results if not isinstance(r, Exception)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert len(won) == 1 and won[0].username == name
        assert [(type(e), e.code) for e in lost] == [(ProfileError, "username_taken")]
        with uow.read() as s:
            assert s.exec(select(func.count()).where(func.lower(User.username) == name)).one() == 1
