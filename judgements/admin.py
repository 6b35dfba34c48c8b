"""Django admin: teams, assessments and judgements are editable; history is read-only."""

from django.contrib import admin

from judgements.models import (
    Alert,
    Assessment,
    ChangeRecord,
    Estimate,
    Indicator,
    Judgement,
    Resolution,
    Team,
    Watch,
)


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
    fields = ["resolved_at", "outcome", "occurred_on", "resolved_by", "brier"]
    readonly_fields = fields


class WatchInline(admin.TabularInline):
    model = Watch
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members", "leads"]
    search_fields = ["name"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "published_on"]
    list_filter = ["team"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_on"


@admin.register(Judgement)
class JudgementAdmin(admin.ModelAdmin):
    list_display = ["reference", "statement", "owner", "team", "window_start", "window_end"]
    list_filter = ["team"]
    search_fields = ["reference", "statement"]
    raw_id_fields = ["owner", "assessment"]
    readonly_fields = [
        "current_estimate",
        "resolution",
        "next_alert_at",
        "created_by",
        "created_at",
    ]
    inlines = [WatchInline, EstimateInline, ResolutionInline]
    list_select_related = ["owner", "team"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
    list_display = ["judgement", "outcome", "occurred_on", "resolved_by", "resolved_at", "brier"]
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
