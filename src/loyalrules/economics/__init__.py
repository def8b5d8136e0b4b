"""Economics: what a program costs and gives, measured and forecast.

Metrics over a set of ledgers (``metrics``), scenarios played through a program
(``scenario``), data shaped by a program (``shape``), the seeded population simulator
(``behaviour``, ``population``, ``simulate``) and the program diff (``diff``). Pure: a
seed in, the same report out on any machine. See ``docs/economics.md``.

May import: the package's public API and every layer up to the loader; ``testing`` and
``cli`` sit above it.
"""
