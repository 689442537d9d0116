"""The start page's table (domain/master.py, SPEC F7): the docs print it row for row, every offered row
leads to a page of the app, every row not offered says why in both languages, and the later questions
offer only the answers that lead somewhere."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from krypton_app import routes
from krypton_app.domain import master
from krypton_app.i18n.en import CATALOG as EN
from krypton_app.i18n.ru import CATALOG as RU
from krypton_app.pages.pay.methods import METHOD_KEYS, method_from_query, wizard_with_method

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "master-functions.md"
ROW = re.compile(r"^\| (\w+) \| (\w+) \| (\w+) \| (.+) \|$")
OFFERED = re.compile(r"^`([^`]+)`$")
REFUSED = re.compile(r"^not offered: `([\w.]+)` — (.+)$")

# The query each target page reads, and the values it accepts.
QUERIES = {
    "/buy": {"to": {"balance", "bitcoin", "lightning", "promise"}},
    "/promises/sell": {"to": {"fiat", "bitcoin", "lightning"}},
    "/pay": {"method": {"fiat", "balance", "lightning", "promise"}},
    "/wallet": {"withdraw": {"bitcoin", "lightning"}},
    "/promises": {},
    "/p/[code]": {},
}


def _doc_rows() -> dict[tuple[str, str, str], master.Route]:
    rows = {}
    for line in DOC.read_text().splitlines():
        match = ROW.match(line)
        if match is None or match.group(1) == "What":
            continue
        what, pay_with, result, goes = match.groups()
        assert (what, pay_with, result) not in rows, f"row twice: {line}"
        if offered := OFFERED.match(goes):
            rows[(what, pay_with, result)] = master.Route(target=offered.group(1))
        else:
            refused = REFUSED.match(goes)
            assert refused is not None, f"unreadable row: {line}"
            assert refused.group(2) == EN[refused.group(1)], f"the reason's text is not the catalog's: {line}"
            rows[(what, pay_with, result)] = master.Route(reason=refused.group(1))
    return rows


def _page_routes() -> set[str]:
    from krypton_app.pages import ALL

    return {page.route for page in ALL}


def test_the_docs_table_is_the_domain_table():
    assert _doc_rows() == master.TABLE


def test_every_combination_of_the_three_questions_is_a_row():
    expected = {(w, p, r) for w in master.WHATS for p in master.PAY_WITHS for r in master.results_of(w)}
    assert set(master.TABLE) == expected
    assert len(master.TABLE) == 64


@pytest.mark.parametrize(("key", "route"), sorted(master.TABLE.items()), ids=lambda v: str(v))
def test_every_row_leads_to_a_page_or_says_why(key, route):
    if not route.offered:
        assert route.reason.startswith("start.no.")
        assert EN.get(route.reason) and RU.get(route.reason), route.reason
        return
    assert not route.reason
    parts = urlsplit(route.target.replace(master.CODE, "[code]"))
    assert parts.path in _page_routes(), f"{key} leads to {parts.path}, which is no page"
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    accepted = QUERIES[parts.path]
    assert set(query) <= set(accepted)
    for name, value in query.items():
        assert value in accepted[name], f"{key}: {name}={value}"


def test_a_promise_goes_onto_the_balance_on_its_own_page():
    assert routes.promise_link(master.CODE) == master.REDEEM_TARGET


def test_later_questions_offer_only_answers_that_lead_somewhere():
    for what in master.WHATS:
        offered = master.pay_with_options(what)
        assert offered, what
        refused = dict(master.not_offered_pay_with(what))
        assert set(offered) | set(refused) == set(master.PAY_WITHS)
        assert not set(offered) & set(refused)
        for pay_with in offered:
            results = master.result_options(what, pay_with)
            assert results, (what, pay_with)
            for result in results:
                assert master.target_of(what, pay_with, result)
            for result, reason in master.not_offered_results(what, pay_with):
                assert not master.target_of(what, pay_with, result)
                assert reason == master.TABLE[(what, pay_with, result)].reason


def test_the_answers_of_the_issue_lead_where_they_should():
    assert master.target_of("buy", "fiat", "promise") == "/buy?to=promise"
    assert master.target_of("buy", "balance", "bitcoin") == "/wallet?withdraw=bitcoin"
    assert master.target_of("buy", "balance", "promise") == "/promises"
    assert master.target_of("pay", "lightning", "merchant") == "/pay?method=lightning"
    assert master.target_of("sell", "promise", "fiat") == "/promises/sell?to=fiat"
    assert master.target_of("redeem", "promise", "balance") == "/p/{code}"
    # Unknown answers (a browser may send anything) lead nowhere.
    assert master.target_of("buy", "fiat", "moon") == ""
    assert master.target_of("steal", "fiat", "balance") == ""
    assert master.pay_with_options("steal") == ()


def test_the_pay_number_form_carries_the_method_to_the_wizard():
    # Every "pay with" the start page sends is one the wizard's picker knows.
    for pay_with in master.pay_with_options(master.PAY):
        assert method_from_query(pay_with) in METHOD_KEYS
        assert wizard_with_method("/pay/K7QX2M", pay_with) == f"/pay/K7QX2M?method={pay_with}"
    # Anything else (a hand-edited URL) is dropped, not passed on.
    for value in ("", "moon", "fiat_deal", "balance&x=1", "<script>"):
        assert wizard_with_method("/pay/K7QX2M", value) == "/pay/K7QX2M"
