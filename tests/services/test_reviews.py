"""Reviews: after release or a resolved dispute, each side reviews the other once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from builders import make_deal, make_user

from krypton_app.domain.errors import KryptonError, NotFound
from krypton_app.services.reviews import COMMENT_MAX, leave_review, list_reviews, my_review


def code_of(call) -> str:
    with pytest.raises(KryptonError) as err:
        call()
    return err.value.code


@pytest.mark.parametrize("status", ["released", "resolved"])
def test_each_side_reviews_the_other_once(uow, status):
    seller, buyer = make_user(uow, display_name="Sam"), make_user(uow, display_name="Bo")
    deal_id = make_deal(uow, seller, buyer, status=status)
    by_buyer = leave_review(uow, buyer, deal_id, positive=True, comment="  fast <i>release</i>\x00 ")
    assert (by_buyer.subject_id, by_buyer.positive, by_buyer.comment, by_buyer.author_name) == (
        seller,
        True,
        "fast <i>release</i>",
        "Bo",
    )
    by_seller = leave_review(uow, seller, deal_id, positive=False, comment="")
    assert (by_seller.subject_id, by_seller.positive) == (buyer, False)
    assert code_of(lambda: leave_review(uow, buyer, deal_id, positive=False, comment="changed my mind")) == (
        "review_duplicate"
    )
    assert [r.id for r in list_reviews(uow, seller).items] == [by_buyer.id]
    assert [r.id for r in list_reviews(uow, buyer).items] == [by_seller.id]
    assert my_review(uow, buyer, deal_id) == by_buyer
    assert my_review(uow, make_user(uow), deal_id) is None


@pytest.mark.parametrize("status", ["requested", "escrow_locked", "fiat_sent", "cancelled", "expired", "disputed"])
def test_no_review_before_completion(uow, status):
    seller, buyer = make_user(uow), make_user(uow)
    deal_id = make_deal(uow, seller, buyer, status=status)
    for author in (seller, buyer):
        assert code_of(lambda a=author: leave_review(uow, a, deal_id, positive=True, comment="")) == "review_too_early"
    assert list_reviews(uow, seller).total == 0


def test_strangers_and_operators_cannot_review(uow):
    seller, buyer = make_user(uow), make_user(uow)
    deal_id = make_deal(uow, seller, buyer, status="resolved")
    for outsider in (make_user(uow), make_user(uow, operator=True)):
        for target in (deal_id, deal_id + 999):
            with pytest.raises(NotFound):
                leave_review(uow, outsider, target, positive=False, comment="spam")
    with pytest.raises(NotFound):
        leave_review(uow, seller, deal_id + 999, positive=True, comment="")
    assert list_reviews(uow, seller).total == list_reviews(uow, buyer).total == 0


def test_comment_length(uow):
    seller, buyer = make_user(uow), make_user(uow)
    deal_id = make_deal(uow, seller, buyer, status="released")
    too_long = "x" * (COMMENT_MAX + 1)
    assert code_of(lambda: leave_review(uow, buyer, deal_id, positive=True, comment=too_long)) == (
        "review_comment_too_long"
    )
    assert len(leave_review(uow, buyer, deal_id, positive=True, comment="x" * COMMENT_MAX).comment) == COMMENT_MAX


def test_list_reviews_pages_newest_first(uow):
    trader = make_user(uow)
    ids = []
    for _ in range(5):
        buyer = make_user(uow)
        ids.append(
            leave_review(uow, buyer, make_deal(uow, trader, buyer, status="released"), positive=True, comment="").id
        )
    first = list_reviews(uow, trader, page=1, page_size=2)
    last = list_reviews(uow, trader, page=3, page_size=2)
    assert (first.total, first.pages, [r.id for r in first.items]) == (5, 3, ids[::-1][:2])
    assert [r.id for r in last.items] == ids[:1]
    assert list_reviews(uow, trader, page=9, page_size=2).items == []
    assert list_reviews(uow, make_user(uow)).pages == 1


def test_racing_duplicates_one_wins(pg_uow):
    # Both requests pass the "already reviewed?" check; the unique constraint refuses the second.
    seller, buyer = make_user(pg_uow), make_user(pg_uow)
    deal_id = make_deal(pg_uow, seller, buyer, status="released")
    start = threading.Barrier(4)

    def attempt(i):
        start.wait()
        try:
            return leave_review(pg_uow, buyer, deal_id, positive=bool(i % 2), comment=str(i))
        except KryptonError as err:
            return err.code

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, range(4)))
    assert sorted(r if isinstance(r, str) else "ok" for r in results) == ["ok"] + ["review_duplicate"] * 3
    assert list_reviews(pg_uow, seller).total == 1
