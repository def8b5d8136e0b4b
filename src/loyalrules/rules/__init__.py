"""Rules: conditions decide *whether*, effects decide *how much*, limits cap them.

A rule (``rule``) combines conditions (``conditions``), an effect (``effects``), line
selectors (``selectors``) and limits (``limits``); it reads an event through a
``context`` and its ``lines``. The program-wide ``settings`` (currency, zone, rounding,
stacking) and the rewards catalog (``rewards``) are stated with the same parts.
``rulebook`` plans rules once at load; ``pipeline`` evaluates one event (eligible spend,
base points, multipliers, bonuses, limits, then ``rounding``) and says why in
``explanation`` lines.

May import: ``terms``, ``ledger``, ``values`` and ``errors``.
"""
