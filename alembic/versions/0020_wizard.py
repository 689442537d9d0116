"""payment parts keep the codes of the promises they gave the payer (a bigger promise's change, the
refund of a promise-funded part) sealed until the payer's page has shown them once

Revision ID: 0020_wizard
Revises: 0019_promises
Create Date: 2026-12-03 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_wizard"
down_revision: str | None = "0019_promises"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payment_parts", sa.Column("promise_codes_sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("payment_parts", "promise_codes_sealed")
