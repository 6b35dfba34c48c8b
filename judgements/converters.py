"""Path converters: what a reference or a username may look like inside a URL."""

from django.urls import register_converter

from judgements.models import REFERENCE_PATTERN


class ReferenceConverter:
    """A judgement reference: letters, digits, '.', '_', '-' (no slash, no control bytes)."""

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class UsernameConverter(ReferenceConverter):
    """Django's username characters: letters, digits and @ . + - _."""

    regex = r"[\w.@+-]+"


register_converter(ReferenceConverter, "ref")
register_converter(UsernameConverter, "username")
