import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from yorisoi.demo import city


class Command(BaseCommand):
    help = (
        "架空の市（世帯・本人と、Y年分の相談・つなぎ・ケース・アウトリーチ・参加支援・"
        "地域づくりの記録）を大量に作成します（負荷試験・評価の確認用）。load_master の後に"
        "実行。同じ種なら同じ内容。実在の人物は含まれません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, required=True, help="本人の人数（例 100000）")
        parser.add_argument("--years", type=int, default=10, help="記録の年数（既定 10）")
        parser.add_argument("--seed", type=int, default=1, help="乱数の種（既定 1）")
        parser.add_argument(
            "--append",
            action="store_true",
            help="本人がすでに登録されているデータベースにも追加する",
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="一度に書き込む行数（既定 5000）"
        )

        parser.add_argument(
            "--writer",
            choices=["auto", "copy", "bulk"],
            default="auto",
            help="書き込み方法: auto（PostgreSQL では COPY）、copy、bulk（bulk_create）",
        )

    def handle(self, *args, people, years, seed, append, batch_size, writer, **options):
        self.stdout.write(
            f"架空の市を作成します: 本人 {people:,} 人、{years} 年分、種 {seed}"
            f"（{connection.vendor}）"
        )
        try:
            result = city.generate_city(
                people=people,
                years=years,
                seed=seed,
                append=append,
                batch_size=batch_size,
                writer=writer,
                log=lambda line: self.stdout.write(line, ending="\n") or self.stdout.flush(),
            )
        except city.CityError as exc:
            raise CommandError(str(exc)) from exc
        width = max(len(t) for t in result.counts)
        self.stdout.write("表ごとの行数:")
        for table, n in result.counts.items():
            self.stdout.write(f"  {table:<{width}} {n:>12,}")
        self.stdout.write(
            f"本人 {result.people:,} 人・世帯 {result.households:,} を追加。"
            f"所要時間 {result.seconds:,.1f} 秒、最大メモリ（RSS）{result.peak_rss_mb:,.0f} MB、"
            f"load average {os.getloadavg()[0]:.1f}"
        )
        self.stdout.write(
            f"  うち本人・世帯 {result.people_seconds:,.1f} 秒、その後の行の書き込み"
            f" {result.write_seconds:,.1f} 秒（{writer}）"
        )
