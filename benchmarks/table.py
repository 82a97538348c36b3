"""The one table every benchmark prints: what was timed, its median, the target."""

from __future__ import annotations

Row = tuple[str, str, str]


def print_table(rows: list[Row]) -> None:
    """Print the rows under a header, the first column as wide as its longest entry."""
    width = max(len(row[0]) for row in rows)
    print(f"{'measurement':<{width}}  {'median':>8}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>8}  {target}")
