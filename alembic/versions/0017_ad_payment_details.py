"""ads get payment details (card, phone for SBP) the seller fills in; private: the service shows them
only to a deal's two sides, never on the market

Revision ID: 0017_ad_payment_details
Revises: 0016_payment_expiry
Create Date: 2026-12-02 19:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_ad_payment_details"
down_revision: str | None = "0016_payment_expiry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ads", sa.Column("payment_details", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("ads", "payment_details")
