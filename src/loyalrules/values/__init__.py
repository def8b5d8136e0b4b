"""Values: the plain facts everything else reasons about.

Money (``money``), ISO 8601 durations (``durations``), aware instants and the program's
calendar (``timeutil``), the member (``member``), the events (``events``: carts,
purchases, returns, activities, activations, memberships), the ways a purchase was
paid (``tenders``), the records of the calls a host makes besides events (``inputs``:
redeem, pay with points, adjust, expire, review tiers, transfer) and the field
validators they share (``fields``). All frozen, validated on construction. Beside them,
``keywords`` keeps the 0.1 calling forms of the API working, with a warning.

May import: ``loyalrules.errors`` only. Everything else may import from here.
"""
