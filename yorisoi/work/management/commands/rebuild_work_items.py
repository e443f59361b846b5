"""Recompute the work-item table (今日やること) from the records, with the same derive functions
the services keep it with. Run after loading data outside the services (imports, demo data)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from yorisoi.work.refresh import rebuild_all


class Command(BaseCommand):
    help = "今日やることの表を記録から作り直します。"

    def handle(self, *args, **options):
        with transaction.atomic():
            count = rebuild_all()
        self.stdout.write(f"work items: {count}")
