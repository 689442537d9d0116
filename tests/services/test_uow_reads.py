"""A read (`uow.read()`) on PostgreSQL sees one snapshot: a commit made while it runs is not seen
half-way. With PostgreSQL's default (read committed) a payment read pending beside its parts read
captured stopped the pay wizard's watcher on a torn view (krypton_app/db.py). SQLite needs no test:
its transactions take the database lock at BEGIN, so no commit can land inside a read."""

from builders import make_user
from sqlalchemy import select, update

from krypton_app.models import User


def test_a_read_does_not_see_a_commit_made_while_it_runs(pg_uow):
    uow = pg_uow
    user_id = make_user(uow, display_name="before")
    with uow.read() as s:
        first = s.execute(select(User.display_name).where(User.id == user_id)).scalar_one()
        with uow.transaction() as other:
            other.execute(update(User).where(User.id == user_id).values(display_name="after"))
        second = s.execute(select(User.display_name).where(User.id == user_id)).scalar_one()
    assert (first, second) == ("before", "before")
    with uow.read() as s:
        assert s.execute(select(User.display_name).where(User.id == user_id)).scalar_one() == "after"
