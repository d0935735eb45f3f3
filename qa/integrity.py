"""Is the store whole? The catalogue, LangChain's records and Chroma must agree.

They can drift apart only through faults outside an ingest (a lost or emptied
``chroma.sqlite3``, a lost records database, a restored backup of one of them),
and nothing else notices: an ingest trusts the catalogue to know what is stored.
The check groups the passages Chroma holds by their document (each one's key from
the record manager's table, or from Chroma's metadata where the records lack it:
1.5-3.6 s for the 59,000 passages of the whole news archive) and compares that
with the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.store import PassageStore


@dataclass(frozen=True)
class StoreCheck:
    # catalogued document key → (its passages catalogued, the ids of those found in Chroma)
    damaged: dict[str, tuple[int, list[str]]]
    orphans: dict[str, list[str]]  # document key unknown to the catalogue → its passage ids in Chroma

    @property
    def sound(self) -> bool:
        return not self.damaged and not self.orphans

    def problems(self) -> list[str]:
        """What is wrong, one line each (most telling first)."""
        lines = []
        if self.damaged:
            lost = sum(max(want - len(ids), 0) for want, ids in self.damaged.values())
            lines.append(
                f"{len(self.damaged)} catalogued documents do not have their passages in Chroma ({lost} missing): "
                "an ingest of their folder embeds them again"
            )
        if self.orphans:
            count = sum(len(ids) for ids in self.orphans.values())
            lines.append(
                f"{count} passages of {len(self.orphans)} documents the catalogue does not know are in Chroma "
                "(and can be cited): an ingest deletes them"
            )
        return lines


def check_store(store: PassageStore) -> StoreCheck:
    catalogued = {record.key: record.passages for record in store.catalog.all()}
    stored = store.passages_by_document()
    damaged = {key: (want, stored.get(key, [])) for key, want in catalogued.items() if len(stored.get(key, [])) != want}
    orphans = {key: ids for key, ids in stored.items() if key not in catalogued}
    return StoreCheck(damaged, orphans)
