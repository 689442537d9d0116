"""The ru and en catalogs stay in step, and every error a service can raise has a message."""

import ast
from pathlib import Path

import pytest

from krypton_app.i18n import CATALOGS, LANGUAGES, error_key, translate
from krypton_app.i18n.formatting import plural_categories
from krypton_app.services.ton_proof import TON_PROOF_ERROR_CODES

PACKAGE = Path(__file__).resolve().parents[2] / "krypton_app"

# The codes the UI promises a message for (the services' public contract).
PROFILE_ERROR_CODES = (
    "username_invalid",
    "username_taken",
    "phone_invalid",
    "phone_taken",
    "email_invalid",
    "email_taken",
    "language_invalid",
    "display_name_too_long",
)
LEDGER_ERROR_CODES = (
    "insufficient_funds",
    "invalid_amount",
    "amount_empty",
    "amount_negative",
    "amount_zero",
    "amount_exponent",
    "amount_separator",
    "amount_not_a_number",
    "amount_too_many_decimals",
    "amount_too_large",
)


def _codes_in_source() -> set[str]:
    """Error codes written literally in domain/ and services/: `code = "…"` on an error class,
    `code="…"` in a raise, a `ProfileError("…", field)`, and `*_CODES` tuples."""
    codes: set[str] = set()
    for path in [*(PACKAGE / "domain").rglob("*.py"), *(PACKAGE / "services").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and [getattr(t, "id", None) for t in stmt.targets] == ["code"]
                        and isinstance(stmt.value, ast.Constant)
                    ):
                        codes.add(stmt.value.value)
            elif isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                        codes.add(kw.value.value)
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "ProfileError" and node.args and isinstance(node.args[0], ast.Constant):
                    codes.add(node.args[0].value)
            elif (
                isinstance(node, ast.Assign)
                and any(getattr(t, "id", "").endswith("_CODES") for t in node.targets)
                and isinstance(node.value, ast.Tuple | ast.List | ast.Set)
            ):
                codes.update(e.value for e in node.value.elts if isinstance(e, ast.Constant))
    return {c for c in codes if isinstance(c, str)}


def _plural_families(lang: str) -> dict[str, set[str]]:
    """`count.deals` -> {"one", "few", ...}: the plural keys (i18n/formatting.plural) of a catalog."""
    families: dict[str, set[str]] = {}
    for key in CATALOGS[lang]:
        base, _, category = key.rpartition(".")
        if base.startswith("count."):
            families.setdefault(base, set()).add(category)
    return families


def _non_plural_keys(lang: str) -> set[str]:
    return {key for key in CATALOGS[lang] if not key.startswith("count.")}


def test_catalogs_have_the_same_keys():
    en, ru = _non_plural_keys("en"), _non_plural_keys("ru")
    assert sorted(en - ru) == []
    assert sorted(ru - en) == []
    assert set(LANGUAGES) == {"en", "ru"}


def test_every_plural_key_has_exactly_its_languages_forms():
    """Each language spells a count in the forms CLDR gives it (en one/other, ru one/few/many/other):
    a missing form would show another category's words, an extra one is never chosen."""
    families = {lang: _plural_families(lang) for lang in LANGUAGES}
    assert families["en"], "no plural keys: the check would prove nothing"
    assert set(families["en"]) == set(families["ru"])
    for lang in LANGUAGES:
        wanted = set(plural_categories(lang))
        assert {base: forms for base, forms in families[lang].items() if forms != wanted} == {}, lang
    assert plural_categories("ru") == {"one", "few", "many", "other"}
    assert plural_categories("en") == {"one", "other"}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_empty_messages(lang):
    assert [key for key, text in CATALOGS[lang].items() if not text.strip()] == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_placeholders_match_between_languages(lang):
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    other = CATALOGS["ru" if lang == "en" else "en"]
    # A plural form only one language has is compared with that key's "other" form.
    assert [
        k
        for k, v in CATALOGS[lang].items()
        if fields(v) != fields(other.get(k) or other[k.rpartition(".")[0] + ".other"])
    ] == []


def test_every_error_code_has_a_message():
    codes = set(TON_PROOF_ERROR_CODES) | set(PROFILE_ERROR_CODES) | set(LEDGER_ERROR_CODES) | _codes_in_source()
    # The scan must see the services, or this test would pass on nothing.
    assert {"bad_signature", "email_invalid", "insufficient_funds"} <= codes
    for lang in LANGUAGES:
        missing = sorted(c for c in codes if f"error.{c}" not in CATALOGS[lang])
        assert missing == [], f"{lang}: no message for {missing}"


def test_russian_is_really_russian():
    assert translate("ru", "nav.wallet") == "Кошелёк"
    assert translate("en", "nav.wallet") == "Wallet"


def test_unknown_language_and_key_fall_back():
    assert translate("de", "nav.wallet") == "Wallet"
    assert translate("en", "no.such.key") == "no.such.key"
    assert error_key("bad_signature") == "error.bad_signature"
    assert error_key("never_heard_of_it") == "error.unexpected"


def test_every_history_kind_and_status_has_a_label():
    from krypton_app.services.history import MOVEMENT_KINDS
    from krypton_app.state.views import STATUS_COLORS

    keys = [f"history.kind.{kind}" for kind in MOVEMENT_KINDS] + [f"status.{s}" for s in STATUS_COLORS]
    for lang in LANGUAGES:
        assert [k for k in keys if k not in CATALOGS[lang]] == [], lang


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_review_reason_has_a_message(lang):
    """The operator's review queue shows `operator.reason.<reason>` for why a chain transaction waits."""
    from krypton_app.services.deposits import REVIEW_REASONS

    assert [r for r in REVIEW_REASONS if f"operator.reason.{r}" not in CATALOGS[lang]] == []
