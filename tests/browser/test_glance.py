"""Issue 12 in a real browser: what lives in the browser is tested there, each role walks its
main journey by visible labels at desktop and phone sizes, and axe-core finds nothing on any
main page at either size."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from judgements import workflows
from judgements.access import Role
from judgements.expiry import scan, sending
from judgements.models import Assessment, Judgement
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in
from tests.factories import make_judgement, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def log(judgement, by, summary, direction="supports", strength="moderate", days_ago=1):
    return workflows.log_indicator(
        judgement,
        by=by,
        observed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        summary=summary,
        direction=direction,
        strength=strength,
    )


@pytest.fixture
def world(alice, bob, lena, maya, east_asia, cyber):
    """An organisation with something in every state: live, expiring, overdue, resolved."""
    live = make_judgement(
        alice, east_asia, "Pyongyang will test a solid-fuel missile.", days_ago=60
    )
    log(live, alice, "Engine test seen on imagery", strength="strong", days_ago=40)
    log(live, lena, "Official denial", direction="undermines", strength="weak", days_ago=10)
    expiring = make_judgement(
        alice, east_asia, "Japan will expel two diplomats.", "0.65", ends_in=9
    )
    overdue = make_judgement(lena, east_asia, "Seoul will join the talks.", "0.3", days_ago=380)
    make_judgement(bob, cyber, "The botnet will be taken down.", "0.7", days_ago=30)
    start = timezone.localdate() - dt.timedelta(days=200)
    for n in range(6):
        done = make_judgement(
            alice,
            east_asia,
            f"Resolved question {n}.",
            "0.85",
            window_start=start,
            window_end=start + dt.timedelta(days=120),
        )
        workflows.resolve(
            done,
            by=alice,
            outcome="occurred" if n < 2 else "did_not_occur",
            occurred_on=start + dt.timedelta(days=30) if n < 2 else None,
        )
    return {"live": live, "expiring": expiring, "overdue": overdue}


# --- Broken: each with a test that fails before the fix -----------------------------------------


def test_each_alert_link_lands_on_its_open_section_after_logging_in(
    sized, live_server, settings, alice, east_asia
):
    settings.SITE_URL = live_server.url
    judgement = make_judgement(alice, east_asia, "Tokyo will host the summit.", ends_in=5)
    now = timezone.now()
    scan.scan(now=now, enqueue=lambda ids: [sending.send_alert(i, now=now) for i in ids])
    html = mail.outbox[0].alternatives[0].content
    links = re.findall(r'href="([^"]+#[^"]+)"', html)
    assert {link.rsplit("#", 1)[1] for link in links} == {"resolve", "log-indicator", "revise"}
    for link in links:
        fragment = link.rsplit("#", 1)[1]
        page = sized("desktop")
        page.goto(link)
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("pw-alice")
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{live_server.url}{judgement.get_absolute_url()}#{fragment}")
        target = page.locator(f"#{fragment}")
        expect(target).to_have_attribute("open", "")  # its form is shown, not folded away
        expect(target).to_be_in_viewport()
        page.context.close()


def test_a_just_logged_indicator_can_be_cited_without_a_reload(page, alice, east_asia):
    judgement = make_judgement(alice, east_asia, "Beijing will cut rates.", days_ago=5)
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    page.evaluate("window.__samePage = 'yes'")
    page.get_by_text("Revise the estimate").click()
    cites = page.locator("#revise-cites")
    expect(cites).to_contain_text("None logged yet")  # the group is there from the start

    page.get_by_text("Log an indicator").click()
    add = page.locator("#log-indicator")
    add.get_by_label("Summary").fill("Central bank minutes lean dovish")
    add.get_by_role("button", name="Log indicator").click()
    expect(page.locator("#indicators")).to_contain_text("Central bank minutes lean dovish")
    box = cites.get_by_label(re.compile("Central bank minutes lean dovish"))
    expect(box).to_be_visible()

    box.check()
    add = page.locator("#log-indicator")
    add.get_by_label("Summary").fill("A second sign")
    add.get_by_role("button", name="Log indicator").click()
    expect(cites.get_by_label(re.compile("A second sign"))).to_be_visible()
    expect(cites.get_by_label(re.compile("Central bank minutes"))).to_be_checked()  # kept

    revise = page.locator("#revise")
    revise.get_by_label("Number (%)").fill("70")
    revise.get_by_label("Rationale").fill("Dovish minutes")
    revise.get_by_role("button", name="Revise estimate").click()
    expect(page.locator(".big-number")).to_have_text("70%")
    assert page.evaluate("window.__samePage") == "yes"
    estimate = Judgement.objects.get(pk=judgement.pk).current_estimate
    assert [i.summary for i in estimate.cites.all()] == ["Central bank minutes lean dovish"]


def test_the_timeline_legend_shows_the_colours_the_chart_draws(page, alice, world):
    log_in(page, "alice")
    page.goto(world["live"].get_absolute_url())
    chart = page.locator("svg.timeline-wide")
    legend = page.locator(".timeline-figure .legend")

    def colour(locator, prop):
        return locator.first.evaluate(f"e => getComputedStyle(e).{prop}")

    pairs = [
        ("path.estimate-line:not(.ahead)", ".estimate-line", "stroke"),
        ("polygon.marker.supports", ".marker.supports", "fill"),
        ("polygon.marker.undermines", ".marker.undermines", "fill"),
        ("line.today", ".today", "stroke"),
    ]
    seen = set()
    for drawn, key, prop in pairs:
        expected = colour(chart.locator(drawn), prop)
        assert colour(legend.locator(key), prop) == expected, key
        seen.add(expected)
    assert len(seen) == 4  # four different colours, not one blue line four times
    for label in ("Estimate, in its term's band", "Indicator for", "Indicator against", "Today"):
        expect(legend).to_contain_text(label)


def test_leadership_reaches_anyones_track_record(page, maya, world):
    log_in(page, "maya")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name="Alice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Track record: Alice")
    page.goto(world["live"].get_absolute_url())
    page.locator(".byline").get_by_role("link", name="East Asia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Track record: East Asia team")


# --- Confusing: what lives in the browser --------------------------------------------------------


@pytest.mark.parametrize("path", ["/judgements/new/", "revise"])
def test_picking_a_term_after_a_typo_fills_its_midpoint(page, alice, east_asia, path):
    """As a person does it: type 140, leave the box for the term (the number's "change"
    sends 140 off), pick a term. The answer about 140 comes back last here, as it may on a
    busy network; it must not bring the typo's error back over the term's midpoint."""
    judgement = make_judgement(alice, east_asia, "Beijing will cut rates.", days_ago=5)

    def slow_typo(route):
        if "changed=percent" in route.request.url and "percent=140" in route.request.url:
            page.wait_for_timeout(700)
        route.continue_()

    log_in(page, "alice")
    if path == "revise":
        page.goto(judgement.get_absolute_url())
        page.get_by_text("Revise the estimate").click()
        entry = page.locator("#revise")
    else:
        page.goto(path)
        entry = page.locator("form")
    page.route("**/judgements/placement/**", slow_typo)
    number, term = entry.get_by_label("Number (%)"), entry.get_by_label("Term")
    number.click()
    page.keyboard.type("140")
    page.keyboard.press("Tab")  # leaving the box fires its change with 140
    term.select_option("likely")
    expect(number).to_have_value("65")
    expect(page.locator("#placement")).to_have_text(re.compile("65% — likely"))
    page.wait_for_timeout(1200)  # the slow answer about 140 has had time to land
    expect(number).to_have_value("65")
    expect(page.locator("#placement")).to_have_text(re.compile("65% — likely"))


def test_estimative_words_in_the_statement_are_flagged_as_you_type(page, alice, east_asia):
    log_in(page, "alice")
    page.goto("/judgements/new/")
    page.get_by_label("Statement").fill("Japan is likely to expel two diplomats.")
    page.get_by_label("Number (%)").fill("30")
    warning = page.locator("#wording")
    expect(warning).to_contain_text("The statement itself says 'likely'")
    expect(warning).to_contain_text("Japan will expel two diplomats.")
    page.get_by_label("Number (%)").fill("65")
    expect(warning).not_to_contain_text("Check the wording")
    page.get_by_label("Number (%)").fill("30")
    # The warning comes back with the next answer; click its button once it is there, not the
    # one an in-flight swap is about to replace.
    expect(warning).to_contain_text("The statement itself says 'likely'")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Use the bare proposition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Japan will expel two diplomats.")
    assert Judgement.objects.get().current_estimate.probability == Decimal("0.3")


def test_choosers_find_an_owner_and_an_assessment_as_you_type(page, maya, world, east_asia):
    assessment = workflows.import_report(
        by=make_user("dora", Role.ANALYST, teams=[east_asia]),
        team=east_asia,
        title="Korean peninsula outlook",
        summary="",
        published_on=timezone.localdate(),
        source="",
        judgements=[
            workflows.DraftJudgement(
                statement="Talks will resume.",
                probability=Decimal("0.4"),
                rationale="",
                window_start=timezone.localdate(),
                window_end=timezone.localdate() + dt.timedelta(days=200),
                indicators=[],
            )
        ],
    )
    log_in(page, "maya")
    page.goto("/judgements/")
    page.get_by_label("Owner").fill("ali")
    page.get_by_role("button", name="Alice").click()
    expect(page).to_have_url(re.compile(r"owner=alice"))
    expect(page.locator("#results")).not_to_contain_text("Seoul will join the talks.")
    expect(page.locator("#owner-field .chip")).to_contain_text("Alice")

    page.goto("/judgements/")
    page.get_by_label("Assessment").fill("peninsula")
    page.get_by_role("button", name="Korean peninsula outlook").click()
    expect(page).to_have_url(re.compile(rf"assessment={assessment.pk}"))
    expect(page.locator("#results tbody tr")).to_have_count(1)


def test_the_list_weighs_the_same_with_many_people_and_assessments(client, maya, east_asia):
    """Issue 18 depends on this: the filters list no option per person or assessment."""

    def add(numbers):
        for n in numbers:
            person = make_user(f"analyst{n:03d}", Role.ANALYST, teams=[east_asia])
            assessment = Assessment.objects.create(
                title=f"Assessment {n:03d}", published_on=timezone.localdate(), team=east_asia
            )
            make_judgement(
                person, east_asia, f"Judgement {n:03d}.", ends_in=100, assessment=assessment
            )

    client.force_login(maya)
    add(range(30))
    before = len(client.get("/judgements/").content)
    add(range(30, 150))
    after = len(client.get("/judgements/").content)
    assert abs(after - before) < 200, (before, after)  # the same 25 rows, whatever the total


# --- Journeys by role, at both sizes, with axe on every main page --------------------------------


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_analyst_logs_evidence_revises_and_reads_her_record(sized, size, world, alice):
    page = sized(size)
    log_in(page, "alice")
    expect(page).to_have_url(re.compile(r"/judgements/$"))  # an analyst lands on her list
    first = page.locator("#results tbody tr").first
    expect(first).to_be_in_viewport()  # judgements on the first screen, even on a phone
    filters = page.locator("form.filters").bounding_box()
    if size == "desktop":
        assert filters["height"] < 900 / 5  # the filter panel: less than a fifth of the screen
    else:
        expect(page.locator(".filter-grid")).to_be_hidden()  # folded under "Filters"
    assert_accessible(page, f"list ({size})")

    page.get_by_role("link", name="Japan will expel two diplomats.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Japan will expel two diplomats.")
    expect(page.locator("#current-estimate")).to_be_in_viewport()
    assert_accessible(page, f"judgement page ({size})")

    page.get_by_text("Log an indicator").click()
    add = page.locator("#log-indicator")
    add.get_by_label("Direction").select_option("undermines")
    add.get_by_label("Summary").fill("Embassy staff seen packing")
    add.get_by_role("button", name="Log indicator").click()
    expect(page.locator("#indicators")).to_contain_text("Embassy staff seen packing")
    expect(page.locator(".evidence-balance")).to_contain_text("▼ 1 against")

    page.get_by_text("Revise the estimate").click()
    revise = page.locator("#revise")
    revise.get_by_label("Term").select_option("realistic possibility")
    revise.get_by_label("Rationale").fill("Less sign of it now")
    revise.get_by_role("button", name="Revise estimate").click()
    expect(page.locator(".big-number")).to_have_text("45%")
    assert_accessible(page, f"judgement page after revising ({size})")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Track record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Track record: Alice")
    assert_accessible(page, f"track record ({size})")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    assert_accessible(page, f"people ({size})")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New judgement").click()
    assert_accessible(page, f"new judgement ({size})")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import report").click()
    assert_accessible(page, f"import report ({size})")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_lead_resolves_what_is_overdue_from_her_dashboard(sized, size, world, lena):
    page = sized(size)
    log_in(page, "lena")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))  # a lead lands on her dashboard
    assert_accessible(page, f"dashboard ({size})")
    page.get_by_role("link", name="Seoul will join the talks.").click()
    resolve = page.locator("#resolve")
    expect(resolve).to_have_attribute("open", "")  # overdue: the resolve form is open
    assert_accessible(page, f"overdue judgement ({size})")
    resolve.get_by_label("Did not occur").check()
    resolve.get_by_label("Note").fill("No talks were held.")
    resolve.get_by_role("button", name="Resolve").click()
    expect(page.locator(".outcome-line")).to_contain_text("Did not occur")
    expect(page.locator("#current-estimate")).to_contain_text("Final estimate")
    assert_accessible(page, f"resolved judgement ({size})")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name="East Asia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Track record: East Asia team")
    assert_accessible(page, f"team record ({size})")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_leadership_reads_the_dashboard_and_anyones_record(sized, size, world, maya):
    page = sized(size)
    log_in(page, "maya")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator(".scope-line")).to_contain_text("Last 12 months")
    expect(page.get_by_role("heading", name="How calibrated is each analyst?")).to_be_visible()
    assert_accessible(page, f"dashboard ({size})")
    page.get_by_label("Team").select_option("cyber")
    expect(page).to_have_url(re.compile(r"team=cyber"))
    assert_accessible(page, f"dashboard, one team ({size})")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    assert_accessible(page, f"people ({size})")
    page.get_by_role("link", name="Alice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Track record: Alice")
    assert_accessible(page, f"analyst record ({size})")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Judgements").click()
    expect(page.locator("#results tbody tr").first).to_be_in_viewport()
    assert_accessible(page, f"list ({size})")
    page.get_by_role("link", name="Resolved question 0.").click()
    expect(page.locator(".outcome-line")).to_contain_text("Occurred")
    assert page.locator("main form").count() == 0  # leadership changes nothing
    assert_accessible(page, f"resolved judgement ({size})")


# --- Focus you can see, labels you can read ------------------------------------------------------

CONTRAST = """([fg, bg]) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_the_focus_ring_contrasts_at_least_3_to_1_with_what_surrounds_it(page, alice, world):
    log_in(page, "alice")
    page.goto(world["live"].get_absolute_url())
    for selector, background in (
        (".byline a", "rgb(246, 248, 250)"),  # the page's wash
        ("#log-indicator > summary", "rgb(246, 248, 250)"),
        (".site-header nav a", "rgb(18, 38, 63)"),  # the header's navy
    ):
        element = page.locator(selector).first
        element.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        ring = element.evaluate("e => getComputedStyle(e).outlineColor")
        width = element.evaluate("e => parseFloat(getComputedStyle(e).outlineWidth)")
        assert width >= 2, selector
        assert page.evaluate(CONTRAST, [ring, background]) >= 3, (selector, ring)


FITS = """(select) => {
  const style = getComputedStyle(select);
  const canvas = document.createElement("canvas").getContext("2d");
  canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = select.options[select.selectedIndex]?.text || "";
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  const room = select.clientWidth - padding - 18;  // 18: the arrow
  return canvas.measureText(text).width <= room;
}"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_select_cuts_its_label_short(sized, size, world, lena):
    page = sized(size)
    log_in(page, "lena")
    for path in (
        "/dashboard/",
        "/judgements/?sort=-end&status=expiring",
        "/judgements/new/",
        "/track-record/alice/?scale=icd203",
    ):
        page.goto(path)
        panel = page.locator("details.filter-panel")
        if size == "phone" and panel.count() and panel.get_attribute("open") is None:
            panel.locator("summary").click()
        selects = page.locator("main select:visible")
        assert selects.count() > 0, path
        for n in range(selects.count()):
            select = selects.nth(n)
            for value in select.evaluate("s => [...s.options].map(o => o.value)"):
                select.select_option(value)
                assert select.evaluate(FITS), (path, select.get_attribute("name"), value)
