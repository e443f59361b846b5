"""The shipped categories of social resources (data/taxonomy.json) → TaxonomyTerm rows.

Master data, not code: a city replaces the file. Loading twice changes nothing; a term the
file no longer lists is deactivated, never deleted (R7). Ids are derived from the code
(models.taxonomy_term_id) so that two cities exchanging HSDS files share the same term ids.
"""

import json
from pathlib import Path

DEFAULT_FILE = Path(__file__).parent / "data" / "taxonomy.json"


def read(path: Path = DEFAULT_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load(path: Path = DEFAULT_FILE, *, model=None) -> int:
    """Create or update the terms; returns how many rows changed. `model` lets the data
    migration pass its historical model."""
    from .models import taxonomy_term_id

    if model is None:
        from .models import TaxonomyTerm as model
    data = read(path)
    changed = 0
    codes = set()
    by_code = {}
    for order, term in enumerate(data["terms"], start=1):
        codes.add(term["code"])
        values = {
            "name": term["name"],
            "description": term.get("description", ""),
            "taxonomy": data.get("taxonomy", "yorisoi"),
            "order": order * 10,
            "active": True,
            "parent": by_code.get(term.get("parent")) if term.get("parent") else None,
        }
        obj = model.objects.filter(code=term["code"]).first()
        if obj is None:
            obj = model.objects.create(
                id=taxonomy_term_id(term["code"]), code=term["code"], **values
            )
            changed += 1
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            changed += 1
        by_code[term["code"]] = obj
    changed += model.objects.exclude(code__in=codes).filter(active=True).update(active=False)
    return changed
