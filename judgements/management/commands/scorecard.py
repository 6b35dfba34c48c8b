import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from judgements.core import scales, scoring
from judgements.models import Judgement
from judgements.track_records import scorecards


def _fmt(value: float | None, spec: str = ".3f") -> str:
    return "—" if value is None else format(value, spec)


class Command(BaseCommand):
    help = (
        "Print the scores of resolved judgements (docs/design.md §4): overall, or for one team "
        "or owner. --json prints the scorecard object of docs/design.md §7."
    )

    def add_arguments(self, parser):
        parser.add_argument("--team", help="team slug or name")
        parser.add_argument("--owner", help="username of the owner")
        parser.add_argument(
            "--scale",
            default=None,
            choices=sorted(scales.SCALES),
            help="scale for the by-term table (default: YARDSTICK_SCALE)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--by",
            choices=scoring.GROUPINGS,
            help="one scorecard per team, owner, assessment, term, quarter of close, topic "
            "(own and the assessment's; a judgement counts under each) or horizon (< 1, 1–3, "
            "3–6, 6–12, > 12 months from the final estimate to the close); with --json an "
            "object of scorecards keyed by group",
        )

    def handle(self, *args, **options):
        judgements = Judgement.objects.all()
        if options["team"]:
            team = options["team"]
            judgements = judgements.filter(Q(team__slug=team) | Q(team__name=team))
            if not judgements.exists():
                raise CommandError(f"No judgements for team {team!r} (give its slug or name).")
        if options["owner"]:
            if not get_user_model().objects.filter(username=options["owner"]).exists():
                raise CommandError(f"No user {options['owner']!r}.")
            judgements = judgements.filter(owner__username=options["owner"])
        scale = scales.get_scale(options["scale"] or settings.YARDSTICK_SCALE)
        records = scorecards.records(judgements)
        if options["by"]:
            groups = scoring.scorecards_by(records, options["by"], scale)
        else:
            groups = [("", scoring.Scorecard.build(records, scale))]
        if options["json"] and not options["by"]:
            self.stdout.write(json.dumps(groups[0][1].as_json(), indent=2))
        elif options["json"]:
            self.stdout.write(json.dumps({k: card.as_json() for k, card in groups}, indent=2))
        else:
            for label, card in groups:
                if label:
                    self.stdout.write(self.style.MIGRATE_HEADING(f"\n{options['by']}: {label}"))
                self.write_table(card, scale)

    def write_table(self, card: scoring.Scorecard, scale: scales.Scale) -> None:
        out = self.stdout.write
        out(f"Resolved {card.resolved} (occurred {card.occurred}), annulled {card.annulled}")
        out(f"Brier              {_fmt(card.brier)}   (always 50% scores 0.250; 0 is perfect)")
        out(f"Time-averaged      {_fmt(card.brier_time_averaged)}")
        out(f"Log loss           {_fmt(card.log_loss)}")
        out(f"Skill vs base rate {_fmt(card.skill)}")
        out(f"ROC AUC            {_fmt(card.auc)}   (0.5 is a coin; ties count half)")
        if card.murphy:
            m = card.murphy
            out(
                f"Murphy             REL {m.reliability:.4f}  RES {m.resolution:.4f}  "
                f"UNC {m.uncertainty:.4f}  remainder {m.remainder:+.4f}"
            )
        out("")
        out("Calibration         n   forecast  observed  90% interval")
        for b in card.calibration:
            interval = f"{_fmt(b.ci_lo, '.0%')}–{_fmt(b.ci_hi, '.0%')}" if b.n else ""
            out(
                f"  {b.lo:.0%}–{b.hi:.0%}{'':<8}{b.n:>4}   {_fmt(b.mean_forecast, '>7.0%')}"
                f"   {_fmt(b.observed, '>7.0%')}  {interval}"
            )
        out("")
        out("Discrimination      happened  did not")
        for (lo, hi), happened, did_not in card.discrimination.rows:
            out(f"  {lo:.0%}–{hi:.0%}{'':<8}{happened:>8}  {did_not:>7}")
        out("")
        out(f"By term ({scale.name})")
        out(f"  {'term':<44}{'band':>10}{'n':>6}{'observed':>10}{'Brier':>8}  verdict")
        for g in card.by_term:
            out(
                f"  {g.term:<44}{g.band_text:>10}{g.n:>6}{g.observed:>10.0%}"
                f"{g.brier:>8.3f}  {g.reading}"
            )
