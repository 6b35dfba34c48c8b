"""Django admin: teams and assessments are edited here; judgements only through the same
workflow as the app (history recorded, alerts re-armed); history itself, signposts and the
outbox's notices are read-only."""

from axes.utils import reset as reset_sign_in_failures
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from judgements import access, rules, workflows
from judgements.fields import posted_value
from judgements.models import (
    AccessEvent,
    AccessKind,
    Alert,
    Assessment,
    ChangeRecord,
    Estimate,
    Indicator,
    Judgement,
    Notice,
    Resolution,
    SignInPolicy,
    Signpost,
    Team,
    Topic,
    Watch,
)
from judgements.signin.origin import origin_of


class ReadOnlyAdmin(admin.ModelAdmin):
    """History must not be edited, added or deleted by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EstimateInline(ReadOnlyInline):
    model = Estimate
    fields = ["made_at", "probability", "confidence", "author", "rationale"]
    readonly_fields = fields


class ResolutionInline(ReadOnlyInline):
    model = Resolution
    fields = ["resolved_at", "outcome", "occurred_on", "settled_on", "resolved_by", "brier"]
    readonly_fields = fields


class WatchInline(ReadOnlyInline):
    """Watchers change on the judgement's edit page, where the history records them."""

    model = Watch
    fields = ["user", "muted"]
    readonly_fields = fields
    show_change_link = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members", "leads"]
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """The vocabulary of topics (also managed by team leads on the app's topics pages). A
    topic is retired, never deleted: judgements and scores stay filed under it."""

    list_display = ["name", "kind", "slug", "retired"]
    list_filter = ["kind", "retired"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "published_on"]
    list_filter = ["team"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_on"
    filter_horizontal = ["topics"]

    def save_related(self, request, form, formsets, change) -> None:
        # Topics go through the workflow, so each judgement of the assessment records that
        # what it inherits changed.
        topics = form.cleaned_data.pop("topics", None)
        super().save_related(request, form, formsets, change)
        if topics is not None:
            workflows.set_assessment_topics(form.instance, by=request.user, topics=topics)


# What ``workflows.edit_judgement`` changes (its own list); everything else is set by other
# workflows.
EDITABLE = workflows.EDITABLE


class JudgementAdminForm(forms.ModelForm):
    # The version the page was read at, as on the app's edit form: saving over a newer one
    # is refused with what changed instead of overwriting it.
    # (Not "version": the admin refuses a form field named like a non-editable model field.)
    read_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = Judgement
        fields = list(EDITABLE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["read_version"].initial = self.instance.version
        self.conflict: workflows.EditConflict | None = None

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end:
            try:
                rules.check_window(start, end)
            except rules.RuleBroken as broken:
                self.add_error(
                    broken.field if broken.field in self.fields else None, broken.message
                )
        # The admin saves inside one transaction: the row locked here stays locked until
        # save_model has written it, so the version cannot move in between.
        version = data.get("read_version")
        if self.instance.pk and version is not None:
            current = (
                Judgement.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=self.instance.pk)
            )
            if current != version:
                self.conflict = workflows.EditConflict(
                    workflows.changes_since(self.instance, version), version=current
                )
                self.add_error(None, describe_conflict(self.conflict))
                self.data = self._merged(data, self.conflict)
        return data

    def _merged(self, data: dict, conflict: workflows.EditConflict):
        """As on the app's edit form: the version now shown, and the changes others made
        wherever this admin left the field as it was (the instance holds what is stored)."""
        stored = Judgement.objects.select_related("owner", "team", "assessment").get(
            pk=self.instance.pk
        )
        typed = {k: v for k, v in data.items() if k in workflows.EDITABLE}
        snapshot = workflows.edit_snapshot(
            Judgement(team=stored.team, **{"owner": stored.owner, **typed})
        )
        merged = self.data.copy()
        merged["read_version"] = str(conflict.version)
        for name in conflict.theirs_to_take(snapshot) & set(self.fields):
            merged[name] = posted_value(stored, name)
        return merged


def describe_conflict(conflict: workflows.EditConflict) -> str:
    """The conflict message with each change made meanwhile, in one paragraph."""
    parts = [conflict.message]
    for change in conflict.changes:
        fields = "; ".join(
            f"{name}: {values.get('before')!r} → {values.get('after')!r}"
            for name, values in change.changes.items()
        )
        who = change.actor.get_username() if change.actor else "someone"
        parts.append(
            f"{change.get_action_display()} by {who} at {change.at:%Y-%m-%d %H:%M}: {fields}."
        )
    return " ".join(parts)


@admin.register(Judgement)
class JudgementAdmin(admin.ModelAdmin):
    """Changes go through ``workflows.edit_judgement``: the change history records them and
    a moved window re-arms its alerts, exactly as an edit in the app. New judgements are
    made in the app (they need a first estimate); the team never changes."""

    form = JudgementAdminForm
    list_display = ["reference", "statement", "owner", "team", "window_start", "window_end"]
    list_filter = ["team"]
    search_fields = ["reference", "statement"]
    raw_id_fields = ["owner", "assessment"]
    fields = [
        "reference",
        "statement",
        "resolution_criteria",
        "team",
        "assessment",
        "owner",
        "window_start",
        "window_end",
        "current_estimate",
        "resolution",
        "next_alert_at",
        "created_by",
        "created_at",
        "read_version",
    ]
    inlines = [WatchInline, EstimateInline, ResolutionInline]
    list_select_related = ["owner", "team"]

    def get_readonly_fields(self, request, obj=None):
        fixed = [name for name in self.fields if name not in (*EDITABLE, "read_version")]
        if obj is not None and obj.resolution_id is not None:
            fixed += ["window_start", "window_end"]  # the window of a resolved judgement
        return fixed

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # The form has already set the new values on ``obj``: the workflow compares them
        # with the stored row, read afresh.
        stored = Judgement.objects.select_related("owner", "team", "assessment").get(pk=obj.pk)
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE}
        workflows.edit_judgement(
            stored, by=request.user, version=form.cleaned_data["read_version"], **changed
        )


@admin.register(Estimate)
class EstimateAdmin(ReadOnlyAdmin):
    list_display = ["judgement", "probability", "confidence", "author", "made_at"]
    list_select_related = ["judgement", "author"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["judgement", "observed_on", "direction", "strength", "grading", "retracted_at"]
    list_filter = ["direction", "strength", "reliability", "credibility"]
    list_select_related = ["judgement"]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = [
        "judgement",
        "outcome",
        "occurred_on",
        "settled_on",
        "resolved_by",
        "resolved_at",
        "brier",
        "horizon",
    ]
    list_filter = ["outcome"]
    list_select_related = ["judgement", "resolved_by"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["judgement", "kind", "offset_days", "window_end", "due_at", "state"]
    list_filter = ["kind"]
    list_select_related = ["judgement"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["judgement", "action", "actor", "at"]
    list_filter = ["action"]
    list_select_related = ["judgement", "actor"]


# --- Sign-in (docs/design.md §1.4) ----------------------------------------------------------


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    """The access audit: leadership and admins read it; nobody changes or deletes a row."""

    list_display = ["at", "kind", "username", "method", "address", "detail"]
    list_filter = ["kind", "method"]
    search_fields = ["username", "address", "detail"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    fields = ["at", "kind", "user", "username", "method", "address", "user_agent", "detail"]
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return access.can_read_access_audit(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_read_access_audit(request.user)


@admin.register(SignInPolicy)
class SignInPolicyAdmin(admin.ModelAdmin):
    fields = ["totp_for_admins", "totp_for_leadership"]

    def has_module_permission(self, request) -> bool:
        return access.can_set_sign_in_policy(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_set_sign_in_policy(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can_set_sign_in_policy(request.user)

    def has_add_permission(self, request) -> bool:
        return access.can_set_sign_in_policy(request.user) and not SignInPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(User)


@admin.register(User)
class YardstickUserAdmin(UserAdmin):
    """Django's user admin, plus unlocking an account that failed sign-ins locked."""

    actions = ["unlock_sign_in"]

    @admin.action(description="Unlock sign-in (clear failed sign-ins)", permissions=["change"])
    def unlock_sign_in(self, request, queryset) -> None:
        for user in queryset:
            cleared = reset_sign_in_failures(username=user.get_username())
            workflows.record_access(
                AccessKind.UNLOCKED,
                user=user,
                origin=origin_of(request),
                detail=f"unlocked by {request.user.get_username()} "
                f"({cleared} failed-attempt record{'s' if cleared != 1 else ''} cleared)",
            )
        self.message_user(
            request, f"Sign-in unlocked for {queryset.count()} user(s).", messages.SUCCESS
        )


@admin.register(Signpost)
class SignpostAdmin(ReadOnlyAdmin):
    list_display = ["judgement", "text", "direction", "expected_by", "seen_on", "lapsed_on"]
    list_filter = ["direction"]
    list_select_related = ["judgement"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """The outbox, to see what was sent, skipped or failed (docs/design.md §5.11)."""

    list_display = ["dedupe_key", "kind", "recipient", "due_at", "state", "attempts"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["dedupe_key", "recipient__username"]
