"""Reference stores for members, their ledger entries and the inputs that made them.

``SQLiteStore`` runs on the standard library; ``SQLStore`` (the ``sql`` extra) runs the
same contract on any database SQLAlchemy reaches, PostgreSQL included. See
``docs/hosting.md``.

May import: the package's public API and the layers under ``loader``; ``batch``,
``economics``, ``cli`` and ``testing`` (and hosts) sit above it.
"""

from loyalrules.storage.base import Store, StoreConflict, Stored, StoreError
from loyalrules.storage.inputs import (
    Adjust,
    CancelRedemption,
    Expire,
    Input,
    PayWithPoints,
    Redeem,
    ReviewTiers,
    input_from_dict,
    input_to_dict,
    member_from_dict,
    member_to_dict,
    replay,
    run,
)
from loyalrules.storage.sqlite import SQLiteStore

__all__ = [
    "Adjust",
    "CancelRedemption",
    "Expire",
    "Input",
    "PayWithPoints",
    "Redeem",
    "ReviewTiers",
    "SQLiteStore",
    "Store",
    "StoreConflict",
    "StoreError",
    "Stored",
    "input_from_dict",
    "input_to_dict",
    "member_from_dict",
    "member_to_dict",
    "replay",
    "run",
]
