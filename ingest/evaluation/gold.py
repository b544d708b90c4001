"""Reading the gold files: tests/gold/<label>.toml, one per source document.

Each file has a `[document]` table (`file`: the source, relative to the project root; `kind`:
"reply" or "policy") and one key per fact type, named as the registry names it. See
tests/gold/README.md for the format of each fact type.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .registry import GoldDocument

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = PROJECT_ROOT / "tests" / "gold"


class GoldError(ValueError):
    pass


def load_gold(directory: Path = GOLD_DIR) -> list[GoldDocument]:
    docs = []
    for path in sorted(directory.rglob("*.toml")):
        with path.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise GoldError(f"{path}: {exc}") from None
        head = data.pop("document", None)
        if not head or "file" not in head or head.get("kind") not in ("reply", "policy"):
            raise GoldError(f"{path}: needs [document] with file and kind = reply|policy")
        label = path.relative_to(directory).with_suffix("").as_posix()
        docs.append(GoldDocument(path, label, head["file"], head["kind"], data))
    return docs
