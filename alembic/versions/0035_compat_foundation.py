"""The compatibility APIs' foundation (Crypto Pay, Heleket):
- api_keys.flavour: krypton | cryptopay | heleket; a compatibility key keeps its secret sealed
  (secret_sealed; Heleket's payout key in payout_secret_sealed), because those APIs sign with the secret
  itself (Crypto Pay's webhooks, Heleket's requests and webhooks); a Crypto Pay app has one webhook URL
  (webhook_url); the prefix grows to hold Heleket's merchant UUID
- webhook_events.flavour and webhook_events.signature: an event of an invoice made through a
  compatibility API is sent in that API's shape and signature, computed once with the body (it does not
  depend on the moment it is sent)

Revision ID: 0035_compat_foundation
Revises: 0034_deal_fee
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035_compat_foundation"
down_revision: str | None = "0034_deal_fee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch_op:
        batch_op.alter_column("prefix", existing_type=sa.String(length=24), type_=sa.String(length=48))
        batch_op.add_column(sa.Column("flavour", sa.String(length=16), nullable=False, server_default="krypton"))
        batch_op.add_column(sa.Column("secret_sealed", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("payout_secret_sealed", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("webhook_url", sa.String(length=2000), nullable=True))
    with op.batch_alter_table("webhook_events") as batch_op:
        batch_op.add_column(sa.Column("flavour", sa.String(length=16), nullable=False, server_default="krypton"))
        batch_op.add_column(sa.Column("signature", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_events") as batch_op:
        batch_op.drop_column("signature")
        batch_op.drop_column("flavour")
    with op.batch_alter_table("api_keys") as batch_op:
        batch_op.drop_column("webhook_url")
        batch_op.drop_column("payout_secret_sealed")
        batch_op.drop_column("secret_sealed")
        batch_op.drop_column("flavour")
        batch_op.alter_column("prefix", existing_type=sa.String(length=48), type_=sa.String(length=24))
