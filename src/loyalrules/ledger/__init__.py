"""The ledger: one member's append-only entries and what they tell.

Entries are plain frozen records (``entries``, ``standing_entries``, ``checkpoint``,
validated by ``fields``, encoded by ``codec``; ``builders`` makes the engine's own
without re-validation). The history folds them in by type (``fold``) and answers
questions about the past (``history``, ``facts``): lots (``lots``), what counts as
activity for inactivity expiry (``activity``), time series of spend
and points (``series``). ``ledger`` holds the ``Ledger`` value itself, with balances,
``compaction`` and ``verify``.

May import: ``values`` and ``errors``. Knows nothing of programs, rules or operations.
"""
