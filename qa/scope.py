"""Which articles a question may be answered from: one outlet, a range of dates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class Scope:
    outlet: str | None = None  # compared without regard to case
    since: str | None = None  # ISO dates, both ends included
    until: str | None = None

    def __post_init__(self) -> None:
        for end in (self.since, self.until):
            if end is not None:
                date.fromisoformat(end)  # ValueError for anything but an ISO date

    def __bool__(self) -> bool:
        return bool(self.outlet or self.since or self.until)

    def within(self, since: date, until: date) -> Scope:
        """This scope narrowed to the days from ``since`` to ``until`` (empty when they do not meet)."""
        first = max(filter(None, (self.since, since.isoformat())))
        last = min(filter(None, (self.until, until.isoformat())))
        return replace(self, since=first, until=last)

    def admits(self, outlet: str | None, day: str | None) -> bool:
        """Is an article of this outlet and date (ISO, maybe with a time) in scope? An
        undated article is outside any date range: it cannot be shown to be inside."""
        if self.outlet and (outlet or "").casefold() != self.outlet.casefold():
            return False
        if self.since or self.until:
            if not day:
                return False
            day = day[:10]
            return (not self.since or day >= self.since) and (not self.until or day <= self.until)
        return True
