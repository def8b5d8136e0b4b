"""Terms: what a program states besides its rules.

Accounts and their units, lifecycle policies (pending, expiry, negative balances,
transfers, paying with points) and paid plans (``policies``); tier definitions and how a
member qualifies (``tiers``). Built once when a program loads; asked for dates and
levels per lot or event.

May import: ``ledger``, ``values`` and ``errors``.
"""
