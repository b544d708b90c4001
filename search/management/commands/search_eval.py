"""Print MRR and recall@5 of our search and of a naive icontains baseline, over the query set."""

from django.core.management.base import BaseCommand

from search.evaluation import MRR_DEPTH, RECALL_DEPTH, evaluate, load_queries, naive, ours


class Command(BaseCommand):
    help = "Relevance of the search over tests/search_queries.toml: MRR and recall@5, ours vs icontains."

    def add_arguments(self, parser):
        parser.add_argument(
            "--verbose-misses", action="store_true", help="show what came back when a query misses"
        )

    def handle(self, *args, **options):
        queries = load_queries()
        reports = [evaluate("search", ours, queries), evaluate("icontains", naive, queries)]
        width = max(len(q["q"]) for q in queries) + 2
        self.stdout.write(
            f"{'query':<{width}}  {'search RR':>9} {'R@5':>5}   {'icontains RR':>12} {'R@5':>5}"
        )
        for mine, base in zip(reports[0].scores, reports[1].scores, strict=True):
            self.stdout.write(
                f"{mine.query:<{width}}  {mine.reciprocal_rank:9.2f} {mine.recall:5.2f}"
                f"   {base.reciprocal_rank:12.2f} {base.recall:5.2f}"
            )
            if options["verbose_misses"] and mine.recall < 1:
                self.stdout.write(
                    f"    expected {mine.expected}\n    got      {mine.found[:RECALL_DEPTH]}"
                )
        self.stdout.write("")
        self.stdout.write(
            f"{len(queries)} queries; MRR counts the first relevant result in the top {MRR_DEPTH}."
        )
        for report in reports:
            self.stdout.write(
                f"{report.name:>10}: MRR {report.mrr:.3f}   recall@{RECALL_DEPTH} {report.recall_at_5:.3f}"
            )
