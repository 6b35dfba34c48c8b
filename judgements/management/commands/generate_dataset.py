from django.core.management.base import BaseCommand

from judgements.demo.dataset import generate


class Command(BaseCommand):
    help = "Generate a realistic synthetic organisation (for benchmarks and demos)."

    def add_arguments(self, parser):
        parser.add_argument("--judgements", type=int, default=2000)
        parser.add_argument("--indicators-per-judgement", type=int, default=20)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, judgements, indicators_per_judgement, seed, **options):
        result = generate(
            judgements=judgements, indicators_per_judgement=indicators_per_judgement, seed=seed
        )
        self.stdout.write(
            f"Generated {result.judgements} judgements in {result.teams} teams "
            f"({result.users} users): {result.estimates} estimates, "
            f"{result.indicators} indicators, {result.resolutions} resolutions "
            f"in {result.seconds:.1f} s."
        )
