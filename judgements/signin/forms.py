"""The one-time code form of the second factor."""

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("The code is made of digits only.")
        return code
