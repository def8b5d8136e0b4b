"""Operations: everything that happens to a member's ledger, each returning an Outcome.

Earning on purchases and activities (``earning``), returns (``returns``), activation,
expiry, adjustments and transfers (``lifecycle``), redemption of rewards
(``redemption``) and paying with points (``points_payment``), tier changes
(``tier_changes``), paid memberships (``memberships``) and the member's ``status``.
``outcome`` is what they all give back. Each reads a ledger and returns entries to
append; none changes anything itself.

May import: ``rules``, ``terms``, ``ledger``, ``values`` and ``errors``. ``program``
sits above and calls them.
"""
