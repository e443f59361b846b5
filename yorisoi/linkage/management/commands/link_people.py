"""`manage.py link_people`: a batch reconciliation of registrations from a CSV (issue 12, item 2).

A thin shell over the engine: csvio reads and writes, `link` judges. It never opens the
database, so an analyst can run it on a list from outside the system without touching anyone's
records.
"""

import argparse
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorisoi.linkage import DEFAULT_THRESHOLD, link
from yorisoi.linkage.csvio import COLUMNS, CsvError, read_records, write_pairs

READ_STEP = 50_000  # records between two progress lines while reading

STAGES = {
    "model": "重みの推定: {done:,} 組から学習",
    "blocked": "ブロッキング: 候補 {total:,} 組",
    "scored": "採点: {done:,} / {total:,} 組",
}


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"0より大きく1より小さい数で指定してください: {text}")
    return value


class Command(BaseCommand):
    help = (
        "CSVの登録（列: " + ", ".join(COLUMNS) + "）から同一人物と判定した組を"
        "CSV（record_id_a, record_id_b, score）に書き出します。名寄せの一括照合用で、"
        "データベースには触れません。生年月日は西暦・和暦のどちらでも可、未知の列は無視します。"
    )
    # Nothing of the app is used: no system checks, so no settings or database are looked at.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--input",
            dest="source",
            metavar="records.csv",
            type=Path,
            required=True,
            help="読み込むCSV（UTF-8、1行目は列名）",
        )
        parser.add_argument(
            "--output",
            dest="target",
            metavar="pairs.csv",
            type=Path,
            required=True,
            help="書き出すCSV",
        )
        parser.add_argument(
            "--threshold",
            type=_threshold,
            metavar="T",
            default=DEFAULT_THRESHOLD,
            help=f"同一人物と判定する確率の下限（既定 {DEFAULT_THRESHOLD}）",
        )
        parser.add_argument(
            "--explain", action="store_true", help="判定の理由（日本語）を reasons 列に書き出す"
        )

    def handle(self, *args, source, target, threshold, explain, verbosity, **options):
        started = time.perf_counter()

        def say(message: str) -> None:
            if verbosity >= 1:
                elapsed = time.perf_counter() - started
                self.stderr.write(f"[{elapsed:6.1f} 秒] {message}", style_func=lambda x: x)

        if not source.is_file():
            raise CommandError(f"入力ファイルが見つかりません: {source}")
        if not target.parent.is_dir():
            raise CommandError(f"出力先のフォルダがありません: {target.parent}")

        def counted(records):
            count = 0
            for count, record in enumerate(records, 1):
                if count % READ_STEP == 0:
                    say(f"読み込み: {count:,} 件")
                yield record
            say(f"読み込み: {count:,} 件（完了）")

        def progress(stage: str, done: int, total: int) -> None:
            say(STAGES[stage].format(done=done, total=total))

        try:
            links = link(
                counted(read_records(source)),
                threshold=threshold,
                explain=explain,
                progress=progress,
            )
        except CsvError as error:
            raise CommandError(f"{source}: {error} 何も書き出していません。") from None
        written = write_pairs(target, links, reasons=explain)
        say(f"書き出し: {written:,} 組 → {target}")
