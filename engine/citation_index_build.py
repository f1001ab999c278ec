"""Build the structural citation index (numbers only, no statute text) from ../shared/legal-texts.

The index lets hegui check citations anywhere; `tests/test_citation_index.py` re-builds it from the
shared texts and compares, so it cannot drift from the official corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Validity windows that the texts do not state in machine-readable form (see legal-texts/README.md):
# CSL2016 was replaced by the amended text from 2026-01-01.
IN_FORCE_UNTIL = {"CSL2016": "2025-12-31"}
# Instruments known only from secondary sources (secondary-facts.json); article structure unknown
# except the article count where a source states it.
SECONDARY_ARTICLE_COUNTS = {"INCIDENT-MEASURES": 14}


def build(legal_texts: Path) -> dict[str, Any]:
    meta = json.loads((legal_texts / "instruments.json").read_text(encoding="utf-8"))
    instruments: dict[str, Any] = {}
    for code in sorted(meta):
        doc = json.loads((legal_texts / f"{code}.json").read_text(encoding="utf-8"))
        if doc["kind"] == "template":
            continue
        articles: dict[str, list[int]] = {}
        for art in doc["articles"]:
            articles[str(art["number"])] = [len(p["items"]) for p in art["paragraphs"]]
        instruments[code] = {
            "title_zh": doc["title_zh"],
            "title_en": doc["title_en"],
            "kind": doc["kind"],
            "confidence": "secondary" if doc["confidence"] == "secondary" else "official",
            "effective": doc["effective"],
            "in_force_until": IN_FORCE_UNTIL.get(code),
            "missing_articles": doc.get("missing_articles", []),
            # article number -> number of items (项) in each paragraph (款), in order
            "articles": articles,
        }
    secondary = json.loads((legal_texts / "secondary-facts.json").read_text(encoding="utf-8"))
    for code, entry in sorted(secondary.items()):
        if code.startswith("_") or code in instruments or "effective" not in entry:
            continue
        count = SECONDARY_ARTICLE_COUNTS.get(code)
        instruments[code] = {
            "title_zh": entry["title_zh"],
            "title_en": entry["title_en"],
            "kind": entry["kind"],
            "confidence": "secondary",
            "effective": entry["effective"],
            "in_force_until": None,
            "missing_articles": [],
            # structure unknown: only article numbers (when the count is known), no paragraphs
            "articles": {str(n): None for n in range(1, count + 1)} if count else {},
        }
    return {"generated_from": "shared/legal-texts", "instruments": instruments}


def main() -> None:
    import sys

    root = Path(__file__).resolve().parent.parent
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "legal-texts"
    out = root / "rulebooks" / "citation-index.json"
    out.write_text(json.dumps(build(src), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
