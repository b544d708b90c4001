"""What an ingest would do, before it does it: the plan the command prints, the upload page shows
and the API answers, and that the writers then apply.

A plan is computed by reading the database only (`plan_*` functions never write); applying it
is a separate step that writes it in one transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .vocab import resolve_bureau


@dataclass
class Item:
    """One record the plan touches: `what` is the kind of record, `key` names it in the
    document's own numbering ("14" for measure 14, "一、（二）" for a reply section)."""

    what: str  # document, reply, chapter, measure, target, section, figure, bureau
    key: str
    label: str = ""  # its title, heading or text, for people
    fields: list[str] = field(default_factory=list)  # changed fields, for a changed record
    reason: str = ""  # why it is kept as it is (a staff edit)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"what": self.what, "key": self.key, "label": self.label}
        if self.fields:
            data["fields"] = self.fields
        if self.reason:
            data["reason"] = self.reason
        return data

    def __str__(self) -> str:
        return f"{self.what} {self.key}".strip()


@dataclass
class DocumentPlan:
    """The plan for one file. `ops` holds what the writer needs to apply it (not shown)."""

    name: str
    kind: str  # PolicyDocument.Kind value: "measures" or "cppcc_reply"
    action: str  # "create", "update" or "unchanged"
    summary: str
    parsed: Any
    data: bytes = b""
    document_id: int | None = None
    created: list[Item] = field(default_factory=list)
    changed: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    kept: list[Item] = field(default_factory=list)  # staff edits kept against the new text
    warnings: list[str] = field(default_factory=list)
    new_bureaus: list[str] = field(default_factory=list)
    preview: dict[str, Any] = field(default_factory=dict)  # what the document says, for people
    ops: Any = None

    @property
    def conflicts(self) -> list[str]:
        """The staff edits kept, one line each (the command prints them as conflicts)."""
        return [
            f"{item}{' ' if item.fields else ''}{', '.join(item.fields)}: {item.reason}"
            for item in self.kept
        ]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "kept": len(self.kept),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "action": self.action,
            "summary": self.summary,
            "document": self.document_id,
            "created": [i.as_dict() for i in self.created],
            "changed": [i.as_dict() for i in self.changed],
            "removed": [i.as_dict() for i in self.removed],
            "kept": [i.as_dict() for i in self.kept],
            "warnings": list(self.warnings),
            "new_bureaus": list(self.new_bureaus),
            "preview": self.preview,
        }


class BureauNames:
    """Written bureau names to bureaus, for planning: the canonical name the data file gives
    (or the name as written, for a bureau nobody knows yet) and its id when it exists."""

    def __init__(self):
        from policies.models import Bureau

        self._ids = dict(Bureau.objects.values_list("name", "pk"))
        self._model = Bureau
        self.unknown: list[str] = []

    def canonical(self, written: str) -> str:
        spec = resolve_bureau(written)
        if spec is not None:
            return spec.name
        found = self._model.objects.named(written).first()
        if found is not None:
            return found.name
        if written not in self.unknown:
            self.unknown.append(written)
        return written

    def id_of(self, written: str) -> int | None:
        """The id of the bureau the name stands for; None when it will be created."""
        return self._ids.get(self.canonical(written))


def values_differ(obj, values: dict[str, Any]) -> list[str]:
    """The keys of `values` whose value differs from the model instance's attribute."""
    return [k for k, v in values.items() if getattr(obj, k) != v]


def parsed_fingerprint(parsed) -> str:
    """A hash of what the parser made of a file: equal means a re-ingest has nothing to do."""
    payload = json.dumps(
        dataclasses.asdict(parsed), ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()
