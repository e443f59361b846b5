"""Load the outreach categories from data/categories.toml (master data is data, not code)."""

import tomllib
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "categories.toml"


def load(model=None, path: Path = DATA_FILE) -> int:
    """Create or update each category by code; returns how many rows the file holds.
    `model` lets a data migration pass its historical model."""
    if model is None:
        from .models import OutreachCategory as model
    with open(path, "rb") as fh:
        rows = tomllib.load(fh).get("category", [])
    for row in rows:
        model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "order": row.get("order", 0),
                "active": row.get("active", True),
            },
        )
    return len(rows)
