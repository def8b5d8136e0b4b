"""Plain-text reports for the command line: a table per month, a summary, a diff.

Pure functions from reports to text, so the output is the same on every terminal and in
the docs (see decision 0020).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from loyalrules.economics.diff import ProgramDiff
from loyalrules.economics.metrics import Figures, Report
from loyalrules.values.money import format_money


def _count(value: int) -> str:
    return f"{value:,}"


def _percent(rate: Decimal | None) -> str:
    return "-" if rate is None else f"{rate * 100:.2f}%"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns aligned: the first to the left, the others to the right.

    >>> table(["a", "b"], [["x", "1"], ["yy", "22"]])
    ['a    b', 'x    1', 'yy  22']
    """
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(cells).rstrip()

    return [line(header), *(line(row) for row in rows)]


MONTH_COLUMNS = (
    "month", "active", "spend", "issued", "redeemed", "expired", "reversed",
    "outstanding", "pending", "liability", "reward rate", "cost rate",
)  # fmt: skip


def _month_row(figures: Figures, currency: str) -> list[str]:
    return [
        figures.period,
        _count(figures.active_members),
        format_money(figures.spend, currency),
        _count(figures.issued),
        _count(figures.redeemed),
        _count(figures.expired),
        _count(figures.reversed),
        _count(figures.outstanding),
        _count(figures.pending),
        format_money(figures.liability, currency),
        _percent(figures.reward_rate),
        _percent(figures.cost_rate),
    ]


def summary(report: Report) -> list[str]:
    """What the total says, one line per figure, with its definition's short name."""
    total, currency = report.total, report.currency
    money = format_money
    lines = [
        f"Effective reward rate: {_percent(total.reward_rate)} of eligible spend "
        f"({_count(total.issued - total.reversed)} points kept on "
        f"{money(total.spend, currency)})",
        f"Cost: {_percent(total.cost_rate)} of eligible spend ("
        f"{_count(total.redeemed)} points redeemed"
        + (f", {money(total.cashback, currency)} cashback" if total.cashback else "")
        + ")",
        f"Breakage: {_percent(total.breakage_rate)} of the points issued expired",
        f"Liability at the end: {money(total.liability, currency)} "
        f"({_count(total.outstanding)} points), pending apart: "
        f"{money(total.pending_liability, currency)} ({_count(total.pending)} points)",
    ]
    if total.engagement:
        lines.append(f"Engagement rewards: {_count(total.engagement)} points for activities")
    if total.paid_with_points:
        value = money(total.paid_with_points * total.point_value, currency)
        lines.append(
            f"Paid with points at checkout: {_count(total.paid_with_points)} of the points "
            f"redeemed ({value})"
        )
    for amount, text in (
        (total.referrals, "Referral rewards: {} points (referrers and referred members)"),
        (total.transferred, "Transferred between members: {} points"),
        (total.adjusted, "Manual adjustments: {} points (goodwill credits less debits)"),
    ):
        if amount:
            lines.append(text.format(_count(amount)))
    if total.tiers:
        levels = ", ".join(f"{level} {_count(n)}" for level, n in total.tiers.items())
        lines.append(
            f"Tiers at the end: {levels}; {_count(total.upgrades)} upgrades, "
            f"{_count(total.downgrades)} downgrades"
        )
    for plan in report.memberships:
        ratio = "-" if plan.ratio is None else f"{plan.ratio:.2f}"
        lines.append(
            f"Plan {plan.plan}: {_count(plan.members)} members paid "
            f"{money(plan.fees.amount, currency)}; its benefits gave "
            f"{_count(plan.points_given)} points worth {money(plan.benefits.amount, currency)} "
            f"({ratio} per unit of fees)"
        )
    return lines


def simulation_text(report: Report, title: str) -> str:
    """The ``loyalrules simulate`` report: a title, a row per month and the total, and
    the summary."""
    currency = report.currency
    rows = [_month_row(m, currency) for m in report.months]
    rows.append(_month_row(report.total, currency))
    value = f"{report.point_value} {currency}"
    head = [title, f"A point is worth {value}; figures in points unless money is shown.", ""]
    return "\n".join([*head, *table(MONTH_COLUMNS, rows), "", *summary(report)]) + "\n"


def _signed(value: int) -> str:
    return f"{value:+,}" if value else "0"


_ALWAYS = frozenset({"issued", "redeemed", "expired", "reversed", "outstanding", "pending"})


def diff_text(diff: ProgramDiff, title: str) -> str:
    """The ``loyalrules diff`` report."""
    old, new = diff.old.total, diff.new.total
    currency = diff.old.currency

    rows = []
    for label, name in (
        ("points issued", "issued"),
        ("points redeemed", "redeemed"),
        ("points expired", "expired"),
        ("points reversed", "reversed"),
        ("outstanding at the end", "outstanding"),
        ("pending at the end", "pending"),
        ("paid with points", "paid_with_points"),
        ("referral rewards", "referrals"),
        ("transferred", "transferred"),
        ("adjusted", "adjusted"),
    ):
        a, b = getattr(old, name), getattr(new, name)
        if a or b or name in _ALWAYS:
            rows.append([label, _count(a), _count(b), _signed(b - a)])
    for label, name in (("liability at the end", "liability"),):
        a, b = getattr(old, name), getattr(new, name)
        change = format_money(b - a, currency)
        if b > a:  # signed like the other changes (a decrease has its minus already)
            change = f"+{change}"
        rows.append([label, format_money(a, currency), format_money(b, currency), change])
    for label, name in (
        ("reward rate", "reward_rate"),
        ("cost rate", "cost_rate"),
        ("breakage rate", "breakage_rate"),
    ):
        a, b = getattr(old, name), getattr(new, name)
        change = "-" if a is None or b is None else f"{(b - a) * 100:+.2f} pt"
        rows.append([label, _percent(a), _percent(b), change])
    spread = diff.points
    same = spread.count - spread.up - spread.down
    percentiles = "  ".join(
        f"{'min' if p == 0 else 'max' if p == 100 else 'median' if p == 50 else f'p{p}'} "
        f"{_signed(v)}"
        for p, v in spread.percentiles
    )
    lines = [title, "", *table(["", "old", "new", "change"], rows), ""]
    lines += [
        f"Points per member (new - old): {_count(spread.up)} get more, "
        f"{_count(spread.down)} fewer, {_count(same)} the same; mean {spread.mean:+}",
        f"  {percentiles}",
    ]
    if diff.tier_moves:
        moves = ", ".join(f"{a} -> {b}: {_count(n)}" for (a, b), n in diff.tier_moves.items())
        lines.append(f"Tier at the end changes for: {moves}")
    elif diff.old.total.tiers or diff.new.total.tiers:
        lines.append("Tier at the end changes for: nobody")
    changed = [r for r in diff.rules if r.change][:8]
    lines.append("Rules whose payouts change most:" if changed else "No rule pays differently.")
    lines += (
        table(
            ["  rule", "old", "new", "change"],
            [[f"  {r.rule_id}", _count(r.old), _count(r.new), _signed(r.change)] for r in changed],
        )[1:]
        if changed
        else []
    )
    return "\n".join(lines) + "\n"
