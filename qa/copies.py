"""Wire copies at query time: one story read once, its other outlets named.

Ingest groups the articles that are copies of one agency story (ingest.wire, kept in
the catalogue). Retrieval keeps the passages of the best-ranked copy of each story, so
copies never crowd other articles out of the passages read, and each citation names
the outlets that also ran it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.catalog import CopyRecord
from qa.retrieve import Hit


@dataclass(frozen=True)
class WireCopies:
    group_of: dict[str, str] = field(default_factory=dict)  # {doc_key: group}
    members: dict[str, list[CopyRecord]] = field(default_factory=dict)  # {group: its copies, earliest first}

    @classmethod
    def of(cls, records: list[CopyRecord]) -> WireCopies:
        members: dict[str, list[CopyRecord]] = {}
        for record in sorted(records, key=lambda r: (r.date or "", r.key)):
            members.setdefault(record.group, []).append(record)
        return cls({r.key: r.group for r in records}, members)

    def distinct(self, hits: list[Hit]) -> list[Hit]:
        """The hits (best first) without those of a story's other copies than its best-ranked one."""
        chosen: dict[str, str] = {}  # group -> the document read for it
        out = []
        for hit in hits:
            key = hit.passage.doc_key
            group = self.group_of.get(key, key)
            if chosen.setdefault(group, key) == key:
                out.append(hit)
        return out

    def also_reported_by(self, doc_key: str) -> list[dict[str, str | None]]:
        """The other copies of this article's story: outlet, date and id, earliest first."""
        group = self.group_of.get(doc_key)
        return [
            {"outlet": r.outlet, "date": r.date, "doc_id": r.doc_id}
            for r in self.members.get(group or "", [])
            if r.key != doc_key
        ]
