"""Forms of the topic vocabulary: a topic, and the topics an assessment is filed under."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify

from judgements.fields import Plain, TopicsField
from judgements.models import Assessment, Topic, free_topic_slug


class TopicForm(Plain, forms.ModelForm):
    """Add or change a topic; the slug (its address) follows the name when first made and
    never changes after, so links and bookmarks keep working."""

    class Meta:
        model = Topic
        fields = ["name", "kind", "description", "retired"]
        help_texts = {
            "name": "As it should read everywhere, e.g. “North Korea” or “Missile programmes”.",
            "kind": "A region (a country, an area) or a subject.",
            "retired": "No longer offered when filing; it stays where it was given and is "
            "still scored.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not slugify(name):
            raise forms.ValidationError("Use at least one letter or digit in the name.")
        clash = Topic.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"There is already a topic named {clash.get().name}.")
        return name

    def save(self, commit: bool = True) -> Topic:
        topic = super().save(commit=False)
        if not topic.slug:
            topic.slug = free_topic_slug(topic.name)
        if commit:
            topic.save()
        return topic


class AssessmentTopicsForm(Plain, forms.Form):
    topics = TopicsField(
        label="Topics of the assessment",
        help_text="Every judgement of the assessment carries them. Ctrl-click (⌘-click) to pick "
        "several.",
    )

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        current = list(assessment.topics.all())
        kwargs.setdefault("initial", {"topics": [t.pk for t in current]})
        super().__init__(*args, **kwargs)
        self.fields["topics"].keep(current)
