from datetime import datetime

from sqlmodel import Field, SQLModel

from krypton_app.models.common import timestamp_column, utcnow


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    # Raw form `0:<64 hex>`: one user per wallet whatever the friendly encoding.
    wallet_address: str = Field(unique=True, index=True, max_length=80)
    display_name: str = Field(default="", max_length=64)
    username: str | None = Field(default=None, unique=True, max_length=32)
    phone: str | None = Field(default=None, unique=True, max_length=20)
    email: str | None = Field(default=None, unique=True, max_length=254)
    language: str = Field(default="en", max_length=2)
    is_operator: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
